import { ReportRangeQuery, reportParams } from "@/contracts/admin-reports";
import { adminRoute } from "@/server/http/guards";
import { getReportActivity } from "@/server/admin/reports/get-report-activity";

export const GET = adminRoute(async (req) => {
  const range = ReportRangeQuery.parse(reportParams(new URL(req.url).searchParams));
  return Response.json(await getReportActivity(range));
});
