import { ReportRangeQuery, reportParams } from "@/contracts/admin-reports";
import { adminRoute } from "@/server/admin/require-admin";
import { getReportActivity } from "@/server/admin/reports/get-report-activity";

export const GET = adminRoute(async (req) => {
  const range = ReportRangeQuery.parse(reportParams(new URL(req.url).searchParams));
  return Response.json(await getReportActivity(range));
});
