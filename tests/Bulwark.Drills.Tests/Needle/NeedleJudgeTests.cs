using Bulwark.Drills.Model;
using Bulwark.Drills.Needle;

namespace Bulwark.Drills.Tests.Needle;

public sealed class NeedleJudgeTests
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string Correlation = "c0ffee";
    private static readonly NeedleOptions Options = new() { HaystackLines = 1000 };

    [Fact]
    public void Judge_RequestAndConsumerInOneTrace_Passes()
    {
        var verdict = NeedleJudge.Judge(Measure([Request(Trace)], [Request(Trace), Consumer(Trace, Correlation)]));

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.StartsWith("consumer: line 9", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_ConsumerLineWithNeitherId_FailsAtTheBroker()
    {
        var verdict = NeedleJudge.Judge(Measure([Request(Trace)], [Request(Trace)]));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("The trace stops at the broker", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ConsumerWithTheCorrelationIdButANewTrace_FailsNamingTheTraceparent()
    {
        var other = "0af7651916cd43dd8448eb211c80319c";
        var verdict = NeedleJudge.Judge(Measure([Request(Trace), Consumer(other, Correlation)], [Request(Trace)]));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("traceparent was not continued", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_SearchSlowerThanAllowed_Fails()
    {
        var verdict = NeedleJudge.Judge(Measure([Request(Trace)], [Request(Trace), Consumer(Trace, Correlation)]) with { Search = TimeSpan.FromMinutes(2) });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("over 60 s", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_NoRequestLine_FailsNamingThePerRequestLine()
    {
        var verdict = NeedleJudge.Judge(Measure([], []));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("Microsoft.AspNetCore.HttpLogging at Information", verdict.Reason, StringComparison.Ordinal);
    }

    private static NeedleMeasurements Measure(IReadOnlyList<LogHit> byCorrelation, IReadOnlyList<LogHit> byTrace) =>
        new(Correlation, true, 1000, 120, TimeSpan.FromSeconds(1), byCorrelation, byTrace, Options);

    private static LogHit Request(string trace) =>
        new(3, "t", "info", "Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware", "POST /api/returns 202", trace, "b7ad6b7169203331", Correlation, new Dictionary<string, string>());

    private static LogHit Consumer(string trace, string correlation) =>
        new(9, "t", "error", "Bulwark.Messaging.Bus.MessageBus", "Message m dead-lettered from returns", trace, "00f067aa0ba902b7", correlation, new Dictionary<string, string> { ["Queue"] = "returns", ["MessageId"] = "m" });
}
