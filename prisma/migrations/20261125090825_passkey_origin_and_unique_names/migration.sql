-- AlterTable
ALTER TABLE "Passkey" ADD COLUMN     "createdBrowser" TEXT,
ADD COLUMN     "createdDevice" TEXT,
ADD COLUMN     "createdOs" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Passkey_userId_name_key" ON "Passkey"("userId", "name");
