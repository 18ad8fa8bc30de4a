-- CreateIndex
CREATE INDEX "User_email_idx" ON "User"("email" text_pattern_ops);

-- CreateIndex
CREATE INDEX "User_displayName_idx" ON "User"("displayName" text_pattern_ops);
