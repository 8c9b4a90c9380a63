using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Metrics;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Payload;

/// <summary>
/// Payload: a signed-in customer sends hostile bodies to a write endpoint — one far over the size limit, a huge JSON
/// order of thousands of lines, arrays nested thousands deep, a body cut off mid-way. Passes when each is refused with
/// its 4xx problem (413 for the over-size one), none with a 5xx, no order is written and the working set stays bounded.
/// </summary>
/// <param name="options">The bodies and thresholds; the documented defaults when null.</param>
public sealed class PayloadDrill(PayloadOptions? options = null)
    : Drill<PayloadOptions>(new("payload", "Payload", "Are we trying to shove 10MB images into a queue meant for 2KB JSON events? (Use Claim Check.) Against the front door: what do over-size, huge and deeply nested bodies do?", ["22 Claim Check", "05 Rate Limiting"]), options)
{
    private const string OrderJson = "{\"items\":[{\"productId\":1,\"quantity\":1}],\"cardToken\":\"tok_visa\",\"shippingPostcode\":\"10115\"";
    private DrillCustomer? _customer;

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync("/health/ready", cancellationToken).ConfigureAwait(false);
        using var http = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        _customer = await DrillCustomer.SignUpAsync(http, context, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var customer = _customer ?? throw new InvalidOperationException("Arrange signs the customer up first.");
        var metrics = new Uri(Options.ManagementUrl is { } m ? LoopbackTarget.Ensure(m) : context.Target, "/metrics");
        var memoryBefore = await MemoryAsync(metrics, cancellationToken).ConfigureAwait(false);
        using var http = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        var bodies = new (string Kind, byte[] Body)[]
        {
            ("oversize", Oversize()),
            ("huge-json", HugeJson()),
            ("deep-nesting", DeepNesting()),
            ("truncated", Encoding.UTF8.GetBytes(OrderJson[..^10])),
        };
        var probes = new List<PayloadProbe>();
        context.Recorder.FaultOn("hostile bodies");
        for (var round = 0; round < Options.Rounds; round++)
        {
            foreach (var (kind, body) in bodies)
            {
                probes.Add(await SendAsync(http, context, customer, kind, body, cancellationToken).ConfigureAwait(false));
            }
        }

        context.Recorder.FaultOff("hostile bodies");
        var written = await OrdersAsync(http, context, customer, cancellationToken).ConfigureAwait(false);
        var memoryAfter = await MemoryAsync(metrics, cancellationToken).ConfigureAwait(false);
        return PayloadJudge.Judge(new PayloadMeasurement(probes, written, memoryBefore, memoryAfter), Options);
    }

    private async Task<double?> MemoryAsync(Uri metrics, CancellationToken cancellationToken) =>
        await PrometheusScrape.SumAsync(metrics, Options.MemoryMetric, [], cancellationToken).ConfigureAwait(false) is { } bytes and > 0 ? bytes : null;

    // A valid order with a long string beside it: only its size is wrong.
    private byte[] Oversize()
    {
        var padding = Math.Max(0, Options.OversizeBytes - OrderJson.Length - 16);
        return Encoding.UTF8.GetBytes(string.Concat(OrderJson, ",\"note\":\"", new string('x', padding), "\"}"));
    }

    private byte[] HugeJson()
    {
        var json = new StringBuilder("{\"items\":[", (Options.HugeItems * 30) + 64);
        for (var i = 0; i < Options.HugeItems; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : ",")}{{\"productId\":{1 + i},\"quantity\":1}}");
        }

        return Encoding.UTF8.GetBytes(json.Append("],\"cardToken\":\"tok_visa\",\"shippingPostcode\":\"10115\"}").ToString());
    }

    // Arrays inside an ignored property: a parser without a depth limit walks all of them.
    private byte[] DeepNesting() =>
        Encoding.UTF8.GetBytes(string.Concat(OrderJson, ",\"note\":", new string('[', Options.NestingDepth), new string(']', Options.NestingDepth), "}"));

    private async Task<PayloadProbe> SendAsync(HttpClient http, DrillContext context, DrillCustomer customer, string kind, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Options.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        // A server may refuse on the headers; with 100-continue the refusal is read instead of a reset mid-upload.
        request.Headers.ExpectContinue = true;
        Prepare(request, context, customer);
        var begin = context.TimeProvider.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            context.Recorder.Record(context.TimeProvider.GetElapsedTime(begin), answered: true, error: (int)response.StatusCode >= 500);
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            return new PayloadProbe(kind, (int)response.StatusCode, problem);
        }
        catch (HttpRequestException)
        {
            context.Recorder.Record(context.TimeProvider.GetElapsedTime(begin), answered: false, error: true);
            return new PayloadProbe(kind, 0, false);
        }
    }

    private static async Task<int> OrdersAsync(HttpClient http, DrillContext context, DrillCustomer customer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/customers/{customer.Id}/orders");
        Prepare(request, context, customer);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException(string.Create(CultureInfo.InvariantCulture, $"GET /api/customers/{{id}}/orders answered {(int)response.StatusCode}; the drill counts what the bodies wrote there."));
        }

        var history = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        return history.ValueKind == JsonValueKind.Array ? history.GetArrayLength() : 0;
    }

    private static void Prepare(HttpRequestMessage request, DrillContext context, DrillCustomer customer)
    {
        context.AddDefaultHeaders(request);
        customer.Authorize(request);
    }
}
