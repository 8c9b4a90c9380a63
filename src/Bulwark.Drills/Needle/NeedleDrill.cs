using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Needle;

/// <summary>
/// Needle in a Haystack (Codex 28's test): a customer's return fails in the running shop's consumer, after the request
/// that caused it answered 202. The drill takes the id the customer has (the answer's <c>X-Correlation-Id</c>), builds
/// a haystack of the target's real log lines padded with look-alike lines, and finds the request's line by that id and
/// the consumer's line by the request's trace id: client → shop → broker → consumer. Restores by deleting the drill's
/// dead letter and the haystack.
/// </summary>
public sealed class NeedleDrill : Drill<NeedleOptions>
{
    private readonly Random _random;
    private DrillCustomer? _customer;
    private Guid _orderId;
    private Guid? _returnId;
    private string? _haystack;

    /// <summary>Creates the drill.</summary>
    /// <param name="options">Load, haystack and thresholds.</param>
    /// <param name="random">The source of the synthetic lines' ids; a shared one when null.</param>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public NeedleDrill(NeedleOptions? options = null, Random? random = null)
        : base(new("needle", "Needle in a Haystack", "If a specific user reports an error, can I find their specific log lines among 1 million other logs within 1 minute?", ["26 Distributed Tracing", "28 Structured Logs"]), options)
    {
        _random = random ?? Random.Shared;
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Options.LogFile))
        {
            throw new DrillSkippedException("needs the target's JSON log file: run the shop with its stdout in a file (dotnet run --project shop/Shop.Host > shop.log) and pass --set needle.LogFile=shop.log.");
        }

        if (!File.Exists(Options.LogFile))
        {
            throw new DrillPreconditionException($"The log file {Options.LogFile} does not exist.");
        }

        context.RequireOperatorKey("to take its failed return out of the dead-letter queue afterwards");

        await context.RequireTargetAnswersAsync("/api/products", cancellationToken).ConfigureAwait(false);
        using var http = Client(context);
        _customer = await DrillCustomer.SignUpAsync(http, context, cancellationToken).ConfigureAwait(false);
        _orderId = await _customer.PlaceOrderAsync(http, context.DefaultHeaders, "a return needs an order", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        using var http = Client(context);
        await BackgroundAsync(http, context, Options.BackgroundRequests / 2, cancellationToken).ConfigureAwait(false);

        // The customer's request: a return whose photo is not an image. The shop accepts it (202); its processor,
        // behind the broker, rejects it and dead-letters the message. The customer sees "rejected" and quotes the id.
        const string Fault = "needle: one customer's return fails in the consumer";
        context.Recorder.FaultOn(Fault);
        string? correlationId;
        try
        {
            (_returnId, correlationId) = await PostFailingReturnAsync(http, context, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            context.Recorder.FaultOff(Fault);
        }

        await BackgroundAsync(http, context, Options.BackgroundRequests - (Options.BackgroundRequests / 2), cancellationToken).ConfigureAwait(false);

        // Wait for the failure to happen and for the consumer's line to reach the file (a log is written after the fact).
        var rejected = false;
        var started = time.GetTimestamp();
        while (_returnId is { } id && correlationId is not null)
        {
            rejected = rejected || await StatusAsync(http, context, id, cancellationToken).ConfigureAwait(false) == "rejected";
            var consumerLogged = rejected && await ConsumerLoggedAsync(id, cancellationToken).ConfigureAwait(false);
            if (consumerLogged || time.GetElapsedTime(started) >= Options.SettleWithin)
            {
                break;
            }

            await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        _haystack = Options.HaystackFile ?? Path.Combine(Path.GetTempPath(), $"bulwark-needle-{Guid.NewGuid():N}.log");
        var exclude = correlationId is null ? Array.Empty<string>() : [correlationId];
        var written = await LogHaystack.WriteAsync(Options.LogFile!, _haystack, Options.HaystackLines, exclude, _random, cancellationToken).ConfigureAwait(false);

        // The search an operator runs: by the id the customer quotes, then by the trace id of the request's own line.
        var searching = time.GetTimestamp();
        IReadOnlyList<LogHit> byCorrelation = [];
        IReadOnlyList<LogHit> byTrace = [];
        if (correlationId is not null)
        {
            byCorrelation = await LogSearch.FindAsync(_haystack, correlationId, cancellationToken).ConfigureAwait(false);
            if (byCorrelation.FirstOrDefault(h => h.Category?.StartsWith(Options.RequestCategory, StringComparison.Ordinal) == true)?.TraceId is { } traceId)
            {
                byTrace = await LogSearch.FindAsync(_haystack, traceId, cancellationToken).ConfigureAwait(false);
            }
        }

        var search = time.GetElapsedTime(searching);
        return NeedleJudge.Judge(new NeedleMeasurements(correlationId, rejected, written.Lines, written.RealLines, search, byCorrelation, byTrace, Options));
    }

    /// <inheritdoc />
    protected override async Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        if (_haystack is not null && !Options.KeepHaystack)
        {
            File.Delete(_haystack);
            _haystack = null;
        }

        if (_returnId is not { } returnId)
        {
            return;
        }

        // The drill's failed return is not an operator's problem: take its message out of the DLQ again.
        using var admin = AdminClient(context);
        var path = string.Create(CultureInfo.InvariantCulture, $"{Options.DeadLetterPath}?queue={Uri.EscapeDataString(Options.Queue)}&limit=1000");
        using var listed = await admin.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (!listed.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException($"GET {path} answered {(int)listed.StatusCode}; remove the drill's dead letter (message {returnId}) by hand (bulwark dlq).");
        }

        var letters = await listed.Content.ReadFromJsonAsync<List<DeadLetterEntry>>(cancellationToken).ConfigureAwait(false) ?? [];
        foreach (var letter in letters.Where(l => l.MessageId == returnId.ToString()))
        {
            using var deleted = await admin.DeleteAsync(new Uri(Options.DeadLetterPath.TrimEnd('/') + "/" + Uri.EscapeDataString(letter.Id), UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!deleted.IsSuccessStatusCode && deleted.StatusCode != HttpStatusCode.NotFound)
            {
                throw new DrillPreconditionException($"DELETE {Options.DeadLetterPath}/{letter.Id} answered {(int)deleted.StatusCode}; remove the drill's dead letter by hand (bulwark dlq).");
            }
        }

        _returnId = null;
    }

    // The target keeps writing its log: read it without standing in its way.
    private async Task<bool> ConsumerLoggedAsync(Guid returnId, CancellationToken cancellationToken)
    {
        var id = returnId.ToString();
        var stream = new FileStream(Options.LogFile!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Contains(id, StringComparison.Ordinal) && line.Contains(Options.ConsumerCategory, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Real traffic, one real log line each (the per-request line): the target's own hay.
    private async Task BackgroundAsync(HttpClient http, DrillContext context, int count, CancellationToken cancellationToken)
    {
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/" + ((i % 20) + 1).ToString(CultureInfo.InvariantCulture));
            Prepare(request, context);
            var begin = context.TimeProvider.GetTimestamp();
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            context.Recorder.Record(context.TimeProvider.GetElapsedTime(begin), answered: true, error: (int)response.StatusCode >= 500);
        }).ConfigureAwait(false);
    }

    private async Task<(Guid? ReturnId, string? CorrelationId)> PostFailingReturnAsync(HttpClient http, DrillContext context, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(_orderId.ToString()), "orderId" },
            { new StringContent("drill: needle in a haystack"), "reason" },
        };
        // Text where a photo should be: accepted at the door, rejected by the processor behind the broker.
        var file = new ByteArrayContent("this is not a photo"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "photos", "photo.png");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/returns") { Content = form };
        Prepare(request, context);
        var begin = context.TimeProvider.GetTimestamp();
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        context.Recorder.Record(context.TimeProvider.GetElapsedTime(begin), answered: true, error: (int)response.StatusCode >= 500);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new DrillSkippedException("the target has no POST /api/returns (the shop's returns module), so there is no consumer to fail in.");
        }

        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new DrillPreconditionException($"POST /api/returns answered {(int)response.StatusCode}, not 202; the drill needs the return to reach the consumer.");
        }

        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("id").GetGuid();
        var correlation = response.Headers.TryGetValues("X-Correlation-Id", out var values) ? values.FirstOrDefault() : null;
        return (id, correlation);
    }

    private async Task<string?> StatusAsync(HttpClient http, DrillContext context, Guid id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/returns/" + id.ToString());
        Prepare(request, context);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("status").GetString()
            : null;
    }

    private void Prepare(HttpRequestMessage request, DrillContext context)
    {
        context.AddDefaultHeaders(request);
        _customer?.Authorize(request);
    }

    private HttpClient Client(DrillContext context) => LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);

    private HttpClient AdminClient(DrillContext context) => context.CreateClient(Options.RequestTimeout, Options.ManagementUrl);

    private sealed record DeadLetterEntry(string Id, string MessageId, int Attempts);
}
