import { AuditPageQuery, searchParamsObject } from "@/contracts/admin-audit";
import { adminRoute } from "@/server/http/guards";
import { listAuditEvents } from "@/server/admin/audit/list-audit-events";

export const GET = adminRoute(async (req) => {
  const query = AuditPageQuery.parse(searchParamsObject(new URL(req.url).searchParams));
  return Response.json(await listAuditEvents(query));
});
