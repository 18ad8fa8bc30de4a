import { AuditFilterQuery, searchParamsObject } from "@/contracts/admin-audit";
import { adminRoute } from "@/server/http/guards";
import { streamAuditCsv } from "@/server/admin/audit/audit-csv";

export const GET = adminRoute(async (req) => {
  const filter = AuditFilterQuery.parse(searchParamsObject(new URL(req.url).searchParams));
  const day = new Date().toISOString().slice(0, 10);
  return new Response(streamAuditCsv(filter), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
});
