-- AlterTable
ALTER TABLE "PasskeyPolicy" ADD COLUMN     "aaguids" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "enabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "keyRestriction" TEXT NOT NULL DEFAULT 'off',
ADD COLUMN     "maxPasskeys" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "selfServiceSetup" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "syncedAllowed" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "target" TEXT NOT NULL DEFAULT 'all',
ADD COLUMN     "userVerification" TEXT NOT NULL DEFAULT 'preferred';

-- CreateTable
CREATE TABLE "PasskeyPolicyTarget" (
    "userId" UUID NOT NULL,

    CONSTRAINT "PasskeyPolicyTarget_pkey" PRIMARY KEY ("userId")
);

-- AddForeignKey
ALTER TABLE "PasskeyPolicyTarget" ADD CONSTRAINT "PasskeyPolicyTarget_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
