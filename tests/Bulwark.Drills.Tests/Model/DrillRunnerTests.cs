using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Drills.Tests.Model;

/// <summary>The runner's promise: restore always runs, whatever happened before it.</summary>
public sealed class DrillRunnerTests
{
    private static readonly FakeTimeProvider Time = new();

    private static DrillContext Context => new(new Uri("http://127.0.0.1:1/"), Time, new LoadGenerator(Time));

    [Fact]
    public async Task RunAsync_Passes_RestoresAndReportsTheVerdict()
    {
        var drill = new ScriptedDrill(exercise: () => Task.FromResult(new DrillVerdict(DrillOutcome.Passed, "fine", [], [])));

        var report = await new DrillRunner(Time).RunAsync(drill, Context, TestContext.Current.CancellationToken);

        Assert.Equal(DrillOutcome.Passed, report.Verdict.Outcome);
        Assert.Equal(["arrange", "exercise", "restore"], drill.Steps);
        Assert.True(report.Restored);
    }

    [Fact]
    public async Task RunAsync_ExerciseThrowsABug_StillRestoresThenThrows()
    {
        var drill = new ScriptedDrill(exercise: () => throw new InvalidOperationException("bug"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => new DrillRunner(Time).RunAsync(drill, Context, TestContext.Current.CancellationToken));

        Assert.Equal("restore", drill.Steps[^1]);
    }

    [Fact]
    public async Task RunAsync_TargetWentAway_IsInconclusiveAndRestores()
    {
        var drill = new ScriptedDrill(exercise: () => throw new HttpRequestException("connection refused"));

        var report = await new DrillRunner(Time).RunAsync(drill, Context, TestContext.Current.CancellationToken);

        Assert.Equal(DrillOutcome.Inconclusive, report.Verdict.Outcome);
        Assert.Equal("restore", drill.Steps[^1]);
    }

    [Fact]
    public async Task RunAsync_ArrangePreconditionFails_IsInconclusiveAndStillRestores()
    {
        var drill = new ScriptedDrill(arrange: () => throw new DrillPreconditionException("target down"));

        var report = await new DrillRunner(Time).RunAsync(drill, Context, TestContext.Current.CancellationToken);

        Assert.Equal(DrillOutcome.Inconclusive, report.Verdict.Outcome);
        Assert.Equal("target down", report.Verdict.Reason);
        Assert.Equal(["arrange", "restore"], drill.Steps);
    }

    [Fact]
    public async Task RunAsync_Cancelled_IsInconclusiveAndRestoresWithAFreshToken()
    {
        using var cts = new CancellationTokenSource();
        CancellationToken restoreToken = default;
        var drill = new ScriptedDrill(
            exercise: () =>
            {
                cts.Cancel();
                cts.Token.ThrowIfCancellationRequested();
                return Task.FromResult<DrillVerdict>(null!);
            },
            restore: token => restoreToken = token);

        var report = await new DrillRunner(Time).RunAsync(drill, Context, cts.Token);

        Assert.Equal(DrillOutcome.Inconclusive, report.Verdict.Outcome);
        Assert.Equal("restore", drill.Steps[^1]);
        Assert.False(restoreToken.IsCancellationRequested);
    }

    [Fact]
    public async Task RunAsync_RestoreFails_TurnsAPassIntoInconclusive()
    {
        var drill = new ScriptedDrill(
            exercise: () => Task.FromResult(new DrillVerdict(DrillOutcome.Passed, "fine", [], [])),
            restore: _ => throw new DrillPreconditionException("control endpoint gone"));

        var report = await new DrillRunner(Time).RunAsync(drill, Context, TestContext.Current.CancellationToken);

        Assert.Equal(DrillOutcome.Inconclusive, report.Verdict.Outcome);
        Assert.False(report.Restored);
        Assert.Contains("control endpoint gone", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private sealed class ScriptedDrill(Func<Task>? arrange = null, Func<Task<DrillVerdict>>? exercise = null, Action<CancellationToken>? restore = null) : IDrill
    {
        public List<string> Steps { get; } = [];

        public string Name => "scripted";

        public string Title => "Scripted";

        public string Question => "Does the runner keep its promise?";

        public IReadOnlyList<string> Patterns => [];

        public async Task ArrangeAsync(DrillContext context, CancellationToken cancellationToken)
        {
            Steps.Add("arrange");
            await (arrange?.Invoke() ?? Task.CompletedTask);
        }

        public async Task<DrillVerdict> ExerciseAsync(DrillContext context, CancellationToken cancellationToken)
        {
            Steps.Add("exercise");
            return await (exercise?.Invoke() ?? Task.FromResult(DrillVerdict.Inconclusive("nothing")));
        }

        public Task RestoreAsync(DrillContext context, CancellationToken cancellationToken)
        {
            Steps.Add("restore");
            restore?.Invoke(cancellationToken);
            return Task.CompletedTask;
        }
    }
}
