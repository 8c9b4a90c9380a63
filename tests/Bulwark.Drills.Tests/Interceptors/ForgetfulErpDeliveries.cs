using System.Globalization;
using System.Text;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// A facade that names each read a new delivery, for the legacy-erp drill's failing half: a handler on the shop's ERP
/// client that stamps every export's header with a fresh batch number, so the sync cannot tell a delivery it already
/// applied and applies (and quarantines) the same lines again. Registered by the test's services action only.
/// </summary>
internal sealed class ForgetfulErpDeliveries : DelegatingHandler
{
    private long _reads;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var export = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || !export.StartsWith("HDR", StringComparison.Ordinal) || export.Length < 13)
        {
            return response;
        }

        var batch = (9_000_000_000 + Interlocked.Increment(ref _reads)).ToString("D10", CultureInfo.InvariantCulture);
        response.Content = new StringContent("HDR" + batch + export[13..], Encoding.ASCII, "text/plain");
        return response;
    }
}
