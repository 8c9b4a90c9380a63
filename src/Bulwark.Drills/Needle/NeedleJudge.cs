using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Needle;

/// <summary>What the Needle drill saw.</summary>
/// <param name="CorrelationId">The id the customer quotes (the failing request's <c>X-Correlation-Id</c>); null when the target sent none.</param>
/// <param name="ReturnRejected">Whether the failing return ended rejected (the failure the customer reports).</param>
/// <param name="HaystackLines">Lines in the haystack.</param>
/// <param name="RealLines">The target's own lines among them.</param>
/// <param name="Search">Both searches together: by correlation id, then by the trace id of the request's line.</param>
/// <param name="ByCorrelation">The lines found by the correlation id.</param>
/// <param name="ByTrace">The lines found by the trace id of the request's own line (empty without one).</param>
/// <param name="Options">The categories and queue that name the hops.</param>
public sealed record NeedleMeasurements(
    string? CorrelationId,
    bool ReturnRejected,
    long HaystackLines,
    long RealLines,
    TimeSpan Search,
    IReadOnlyList<LogHit> ByCorrelation,
    IReadOnlyList<LogHit> ByTrace,
    NeedleOptions Options);

/// <summary>
/// Judges a Needle run: the request's own line found by the id the customer has, and the consumer's line found by the
/// same trace id (the trace went through the broker), in a haystack of the size asked for, within the time allowed.
/// </summary>
public static class NeedleJudge
{
    /// <summary>The verdict for <paramref name="m"/>.</summary>
    public static DrillVerdict Judge(NeedleMeasurements m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var c = CultureInfo.InvariantCulture;
        if (m.CorrelationId is null)
        {
            return DrillVerdict.Inconclusive("The failing request's answer carried no X-Correlation-Id: the customer has no id to quote (app.UseBulwarkCorrelation()).");
        }

        var request = m.ByCorrelation.FirstOrDefault(h => IsRequestLine(h, m.Options));
        var consumer = m.ByTrace.FirstOrDefault(h => IsConsumerLine(h, m.Options));
        var consumerByCorrelation = m.ByCorrelation.FirstOrDefault(h => IsConsumerLine(h, m.Options));
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtLeast("haystack lines", m.HaystackLines, "lines", m.Options.HaystackLines),
            DrillFigure.Info("real lines of the target", m.RealLines, "lines"),
            DrillFigure.AtMost("search time", m.Search.TotalSeconds, "s", m.Options.FindWithin.TotalSeconds),
            DrillFigure.AtLeast("request lines found", request is null ? 0 : 1, "lines", 1),
            DrillFigure.AtLeast("consumer lines in the request's trace", m.ByTrace.Count(h => IsConsumerLine(h, m.Options)), "lines", 1),
            DrillFigure.Info("lines found by correlation id", m.ByCorrelation.Count, "lines"),
            DrillFigure.Info("lines found by trace id", m.ByTrace.Count, "lines"),
        };
        var failures = new List<string>();
        if (m.HaystackLines < m.Options.HaystackLines)
        {
            failures.Add(string.Create(c, $"The haystack held {m.HaystackLines:N0} lines, fewer than the {m.Options.HaystackLines:N0} asked for."));
        }

        if (m.Search > m.Options.FindWithin)
        {
            failures.Add(string.Create(c, $"Finding the request took {m.Search.TotalSeconds:0.0} s, over {m.Options.FindWithin.TotalSeconds:0} s."));
        }

        if (request is null)
        {
            failures.Add($"No line of the request itself carries correlation id {m.CorrelationId}: turn the per-request line on ({m.Options.RequestCategory} at Information) and log with trace and correlation ids (JsonLineFormatter).");
        }
        else if (consumer is null)
        {
            failures.Add(consumerByCorrelation is null
                ? $"The trace stops at the broker: no {m.Options.ConsumerCategory} line on queue '{m.Options.Queue}' carries the request's trace id {request.TraceId} or correlation id {m.CorrelationId}. The message lost its traceparent and correlation id on the way."
                : $"The consumer kept the correlation id but started a new trace ({consumerByCorrelation.TraceId}, not {request.TraceId}): the message's traceparent was not continued.");
        }

        if (!m.ReturnRejected)
        {
            failures.Add("The customer's failing return never ended rejected, so there was no failure to look for.");
        }

        var findings = new List<string>();
        if (request is not null)
        {
            findings.Add(string.Create(c, $"client: the customer quotes X-Correlation-Id {m.CorrelationId}"));
            findings.Add(Hop("shop", request));
            if (consumer is not null)
            {
                findings.Add($"broker: message {Field(consumer, "MessageId")} on queue '{Field(consumer, "Queue")}', the request's traceparent carried in the envelope");
                findings.Add(Hop("consumer", consumer));
            }
        }

        return DrillVerdict.FromChecks(
            string.Create(c, $"The failing request was found among {m.HaystackLines:N0} lines in {m.Search.TotalSeconds:0.00} s by its correlation id, and its trace {request?.TraceId} shows every hop: client, shop, broker, consumer."),
            failures,
            figures,
            findings);
    }

    private static bool IsRequestLine(LogHit hit, NeedleOptions options) =>
        hit.Category?.StartsWith(options.RequestCategory, StringComparison.Ordinal) == true;

    private static bool IsConsumerLine(LogHit hit, NeedleOptions options) =>
        hit.Category?.StartsWith(options.ConsumerCategory, StringComparison.Ordinal) == true && Field(hit, "Queue") == options.Queue;

    private static string? Field(LogHit hit, string name) => hit.Fields.GetValueOrDefault(name);

    private static string Hop(string hop, LogHit hit) =>
        string.Create(CultureInfo.InvariantCulture, $"{hop}: line {hit.LineNumber:N0} [{hit.Level}] {hit.Category}: {Shorten(hit.Message)} (trace {hit.TraceId}, span {hit.SpanId})");

    private static string? Shorten(string? message) => message is { Length: > 200 } ? message[..200] + "…" : message;
}
