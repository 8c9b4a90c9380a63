using System.ComponentModel.DataAnnotations;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.OneMillion;

namespace Bulwark.Drills.Tests.OneMillion;

public sealed class OneMillionJudgeTests
{
    private static readonly OneMillionOptions Options = new() { SloP99 = TimeSpan.FromMilliseconds(500), StartRatePerSecond = 20, StepFactor = 1.5 };

    private static readonly SaturationSignal Quiet = new(SaturationSignals.Cpu, "40% of 2 cores", 0.4, 0.85, false);

    private static readonly SaturationSignal WriterFull = new(SaturationSignals.DatabaseWriter, "writes p99 2400 ms vs reads p99 40 ms", 60, 4, true);

    private static StepMeasurement Step(int number, double rate, StepAnswers answers, int p99Ms, params SaturationSignal[] signals)
    {
        var all = Stats.Of((200, Math.Max(1, answers.Sent), p99Ms));
        return new StepMeasurement(number, rate, all, all, all, answers, signals);
    }

    private static StepAnswers Served(int n) => new(n, n, 0, 0, 0, 0, 0, 0, 0);

    private static OneMillionMeasurement Measured(params StepMeasurement[] steps) =>
        new(Stats.Of((200, 10, 20)), steps, TimeSpan.FromSeconds(2), Stats.Of((200, 10, 25)));

    [Fact]
    public void Judge_PastCapacityShedWithANamedBottleneckAndRecovered_PassesWithTheCapacityAndTheBottleneck()
    {
        var measured = Measured(
            Step(1, 20, Served(100), 40, Quiet),
            Step(2, 30, Served(150), 80, Quiet, WriterFull),
            Step(3, 45, new StepAnswers(225, 150, 70, 5, 0, 0, 0, 0, 0), 900, Quiet, WriterFull));

        var verdict = OneMillionJudge.Judge(measured, Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "highest rate within the SLO" && f.Value == 30);
        Assert.Contains(verdict.Figures, f => f.Name.Contains(SaturationSignals.DatabaseWriter, StringComparison.Ordinal) && f.Name.Contains("step 2", StringComparison.Ordinal));
        Assert.Contains(SaturationSignals.DatabaseWriter, verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_PastCapacity500sAndHungRequests_FailsNamingThem()
    {
        var measured = Measured(
            Step(1, 20, Served(100), 40, Quiet),
            Step(2, 30, new StepAnswers(150, 100, 0, 0, 0, 30, 20, 0, 40), 10_000, WriterFull));

        var verdict = OneMillionJudge.Judge(measured, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("fell over instead of shedding", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("30 failed", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("20 hung", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_NoSignalCrossed_FailsBecauseWhatBreaksFirstIsUnknown()
    {
        var measured = Measured(
            Step(1, 20, Served(100), 40, Quiet),
            Step(2, 30, new StepAnswers(150, 100, 50, 0, 0, 0, 0, 0, 0), 900, Quiet));

        var verdict = OneMillionJudge.Judge(measured, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("No saturation signal", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_NotBackAtBaseline_FailsOnRecovery()
    {
        var measured = Measured(
            Step(1, 20, Served(100), 40, Quiet),
            Step(2, 30, new StepAnswers(150, 100, 50, 0, 0, 0, 0, 0, 0), 900, WriterFull)) with { RecoveredAfter = null, LastProbe = Stats.Of((200, 10, 3000)) };

        var verdict = OneMillionJudge.Judge(measured, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("did not come back to baseline", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_EveryStepHeldTheSlo_IsInconclusive()
    {
        var verdict = OneMillionJudge.Judge(Measured(Step(1, 20, Served(100), 40, Quiet), Step(2, 30, Served(150), 45, Quiet)), Options);

        Assert.Equal(DrillOutcome.Inconclusive, verdict.Outcome);
        Assert.Contains("beyond this search", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstBottleneck_TwoCrossedInTheFirstSaturatedStep_TakesTheOneFurthestPastItsLimit()
    {
        var cpu = new SaturationSignal(SaturationSignals.Cpu, "95%", 0.95, 0.85, true);
        var steps = new[] { Step(1, 20, Served(100), 40, Quiet), Step(2, 30, Served(150), 80, cpu, WriterFull), Step(3, 45, Served(225), 90, new SaturationSignal(SaturationSignals.Bulkhead, "9", 9, 1, true)) };

        var first = OneMillionJudge.FirstBottleneck(steps);

        Assert.NotNull(first);
        Assert.Equal(2, first.Value.Step.Number);
        Assert.Equal(SaturationSignals.DatabaseWriter, first.Value.Signal.Component);
    }

    [Fact]
    public void Extrapolate_AMillionUsersAtTheDefaults_ArePeakOverCapacityInstances()
    {
        // 1,000,000 × 10% active × 2 a minute / 60 = 3,333 req/s; at 50/s an instance: 67 instances.
        var figures = OneMillionJudge.Extrapolate(50, new OneMillionOptions(), out var plan);

        Assert.Equal(3333.33, figures.Single(f => f.Name.StartsWith("peak rate", StringComparison.Ordinal)).Value);
        Assert.Equal(67, figures.Single(f => f.Name.StartsWith("instances", StringComparison.Ordinal)).Value);
        Assert.Contains("1,000,000 users", plan, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_SortsSafeAndUnsafeAnswers()
    {
        LoadSample S(int status, LoadFailure failure = LoadFailure.None, bool retryAfter = false) => new(0, TimeSpan.Zero, TimeSpan.Zero, status, failure, retryAfter, null);

        var answers = StepAnswers.Classify([S(200), S(201), S(429, retryAfter: true), S(503, retryAfter: true), S(503), S(504), S(409), S(500), S(0, LoadFailure.Timeout), S(0, LoadFailure.Transport), S(0, LoadFailure.Dropped)]);

        Assert.Equal(new StepAnswers(10, 2, 2, 1, 1, 2, 1, 1, 1), answers);
    }

    [Fact]
    public void Evaluate_CpuTimeOverTheStep_IsTheShareOfTheCores()
    {
        MetricsReading R(double seconds, double cpu) => new(TimeSpan.FromSeconds(seconds), cpu, 2, 0, 0, 0, true);

        var signals = SaturationSignals.Evaluate([R(0, 10), R(1, 11), R(5, 18.6)], Stats.Of((200, 10, 20)), LoadStatistics.Empty, Options);

        var cpu = Assert.Single(signals, s => s.Component == SaturationSignals.Cpu);
        Assert.Equal(0.86, cpu.Value);
        Assert.True(cpu.Crossed);
    }

    [Fact]
    public void Evaluate_SlowWritesBesideFastReads_NamesTheDatabaseWriter()
    {
        var signals = SaturationSignals.Evaluate([], Stats.Of((200, 100, 30)), Stats.Of((200, 20, 2000)), Options);

        Assert.True(Assert.Single(signals, s => s.Component == SaturationSignals.DatabaseWriter).Crossed);
    }

    [Fact]
    public void Evaluate_ReadinessFailingUnderLoad_IsASignalOnlyWhenItWasReadyBefore()
    {
        MetricsReading R(bool? ready) => new(TimeSpan.Zero, null, null, null, null, null, ready);

        Assert.True(Assert.Single(SaturationSignals.Evaluate([R(true), R(null), R(true)], LoadStatistics.Empty, LoadStatistics.Empty, Options), s => s.Component == SaturationSignals.Readiness).Crossed);
        Assert.DoesNotContain(SaturationSignals.Evaluate([R(false), R(false)], LoadStatistics.Empty, LoadStatistics.Empty, Options), s => s.Component == SaturationSignals.Readiness);
    }

    [Fact]
    public void From_TheShopsExposition_ReadsCpuThreadPoolAndRefusals()
    {
        const string exposition = """
            dotnet_process_cpu_count{otel_scope_name="System.Runtime"} 2
            dotnet_process_cpu_time_seconds_total{otel_scope_name="System.Runtime",cpu_mode="user"} 1.25
            dotnet_process_cpu_time_seconds_total{otel_scope_name="System.Runtime",cpu_mode="system"} 0.25
            dotnet_thread_pool_queue_length_total{otel_scope_name="System.Runtime"} 168
            bulwark_bulkhead_rejections_total{compartment="payments"} 3
            """;

        var reading = MetricsReading.From(TimeSpan.Zero, exposition, true);

        Assert.Equal(new MetricsReading(TimeSpan.Zero, 1.5, 2, 168, 3, 0, true), reading);
        Assert.Null(MetricsReading.From(TimeSpan.Zero, null, null).CpuSeconds);
    }

    [Fact]
    public void Judge_PastCapacityTheClientsInFlightCapFilled_SaysTheTargetQueuedRatherThanShed()
    {
        var measured = Measured(
            Step(1, 20, Served(100), 40, Quiet),
            Step(2, 30, new StepAnswers(150, 150, 0, 0, 0, 0, 0, 0, 60), 900, WriterFull));

        var verdict = OneMillionJudge.Judge(measured, Options);

        Assert.Contains(verdict.Findings, f => f.Contains("60 requests past the edge were never sent", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_RecoveryShorterThanAStep_IsRefusedNamingTheSetting()
    {
        var e = Assert.Throws<ValidationException>(() => new OneMillionDrill(new OneMillionOptions { StepDuration = TimeSpan.FromSeconds(40), RecoverWithin = TimeSpan.FromSeconds(30) }));

        Assert.Contains("RecoverWithin", e.Message, StringComparison.Ordinal);
    }
}
