import { RegistrationPageQuery, reportParams } from "@/contracts/admin-reports";
import { adminRoute } from "@/server/http/guards";
import { listRegistrations } from "@/server/admin/reports/list-registrations";

export const GET = adminRoute(async (req) => {
  const query = RegistrationPageQuery.parse(reportParams(new URL(req.url).searchParams));
  return Response.json(await listRegistrations(query));
});
