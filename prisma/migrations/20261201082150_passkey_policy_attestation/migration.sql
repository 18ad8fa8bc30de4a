-- AlterTable
ALTER TABLE "PasskeyPolicy" ADD COLUMN     "enforceAttestation" BOOLEAN NOT NULL DEFAULT false;
