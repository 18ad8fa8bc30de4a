-- CreateEnum
CREATE TYPE "SignInMethod" AS ENUM ('passkey', 'password');

-- AlterEnum
ALTER TYPE "ChallengePurpose" ADD VALUE 'autoRegistration';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "campaignSkips" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "campaignSnoozedUntil" TIMESTAMP(3),
ADD COLUMN     "defaultSignInMethod" "SignInMethod",
ADD COLUMN     "passwordChangedAt" TIMESTAMP(3),
ADD COLUMN     "passwordHash" TEXT;

-- CreateTable
CREATE TABLE "AuthenticatorApp" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "secretSealed" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmedAt" TIMESTAMP(3),
    "lastUsedStep" BIGINT,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "AuthenticatorApp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignInThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lockouts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "lastFailureAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInThrottle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "PasskeyPolicy" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "campaignEnabled" BOOLEAN NOT NULL DEFAULT true,
    "campaignSnoozeDays" INTEGER NOT NULL DEFAULT 1,
    "campaignSkipLimit" INTEGER NOT NULL DEFAULT 3,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PasskeyPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthenticatorApp_userId_key" ON "AuthenticatorApp"("userId");

-- CreateIndex
CREATE INDEX "SignInThrottle_lastFailureAt_idx" ON "SignInThrottle"("lastFailureAt");

-- AddForeignKey
ALTER TABLE "AuthenticatorApp" ADD CONSTRAINT "AuthenticatorApp_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The policy is one row, present from the start with its defaults.
INSERT INTO "PasskeyPolicy" ("id") VALUES (1) ON CONFLICT ("id") DO NOTHING;
