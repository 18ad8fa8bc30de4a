-- DropIndex
DROP INDEX "User_displayName_idx";

-- CreateIndex
CREATE INDEX "User_displayName_email_id_idx" ON "User"("displayName" text_pattern_ops, "email" text_pattern_ops, "id");
