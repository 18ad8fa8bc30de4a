-- AlterTable
ALTER TABLE "UserSession" ADD COLUMN     "passkeyId" UUID;

-- CreateIndex
CREATE INDEX "UserSession_passkeyId_idx" ON "UserSession"("passkeyId");

-- AddForeignKey
ALTER TABLE "UserSession" ADD CONSTRAINT "UserSession_passkeyId_fkey" FOREIGN KEY ("passkeyId") REFERENCES "Passkey"("id") ON DELETE CASCADE ON UPDATE CASCADE;
