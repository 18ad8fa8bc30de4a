import { RegistrationFilterQuery, reportParams } from "@/contracts/admin-reports";
import { adminRoute } from "@/server/http/guards";
import { streamRegistrationsCsv } from "@/server/admin/reports/registrations-csv";

export const GET = adminRoute(async (req) => {
  const filter = RegistrationFilterQuery.parse(reportParams(new URL(req.url).searchParams));
  const day = new Date().toISOString().slice(0, 10);
  return new Response(streamRegistrationsCsv(filter), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="registration-details-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
});
