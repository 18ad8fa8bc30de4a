-- CreateTable
CREATE TABLE "RequestRate" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "RequestRate_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "RequestRate_windowStart_idx" ON "RequestRate"("windowStart");
