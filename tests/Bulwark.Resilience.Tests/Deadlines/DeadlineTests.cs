using Bulwark.Resilience.Deadlines;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Resilience.Tests.Deadlines;

public sealed class DeadlineTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("99999999999999999")]
    public void TryParseHeader_Malformed_ReturnsFalse(string value) => Assert.False(Deadline.TryParseHeader(value, out _));

    [Fact]
    public void HeaderValue_RoundTripsAsUnixMilliseconds()
    {
        var deadline = Deadline.After(TimeSpan.FromSeconds(2), _time);
        Assert.Equal("1795597202000", deadline.ToHeaderValue());
        Assert.True(Deadline.TryParseHeader(deadline.ToHeaderValue(), out var parsed));
        Assert.Equal(deadline, parsed);
    }

    [Fact]
    public void Begin_Nested_KeepsTheEarlierDeadlineAndRestoresOnDispose()
    {
        using var outer = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(1), _time), _time, CancellationToken.None);
        using (var inner = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(5), _time), _time, CancellationToken.None))
        {
            Assert.Equal(outer.Deadline, DeadlineContext.Current);
        }

        Assert.Equal(outer.Deadline, DeadlineContext.Current);
    }

    [Fact]
    public void Scope_WhenTheDeadlinePasses_CancelsItsToken()
    {
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(1), _time), _time, CancellationToken.None);
        Assert.False(scope.Token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(scope.Token.IsCancellationRequested);
        Assert.True(scope.IsExpired);
    }

    [Fact]
    public async Task AddBulwarkDeadline_SpentDeadline_RefusesWithoutRunning()
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkDeadline(TimeSpan.FromSeconds(30)).Build();
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(1), _time), _time, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        var ran = false;
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        var outcome = await pipeline.ExecuteOutcomeAsync((_, _) => { ran = true; return Outcome.FromResultAsValueTask(1); }, context, 0);
        Assert.IsType<DeadlineExceededException>(outcome.Exception);
        Assert.False(ran);
    }

    [Fact]
    public async Task AddBulwarkDeadline_AmbientDeadlineLaterThanTheBudget_TheBudgetIsTheCallsDeadline()
    {
        // A request's 5 s deadline must not hide the dependency's 1.5 s budget from retries and X-Deadline.
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkDeadline(TimeSpan.FromSeconds(1.5)).Build();
        using var request = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(5), _time), _time, CancellationToken.None);

        var inside = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(DeadlineContext.Current), TestContext.Current.CancellationToken);

        Assert.Equal(Deadline.After(TimeSpan.FromSeconds(1.5), _time), inside);
        Assert.Equal(request.Deadline, DeadlineContext.Current);
    }

    [Fact]
    public async Task AddBulwarkDeadline_AmbientDeadlineEarlierThanTheBudget_KeepsTheAmbientOne()
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkDeadline(TimeSpan.FromSeconds(30)).Build();
        using var request = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(1), _time), _time, CancellationToken.None);

        var inside = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(DeadlineContext.Current), TestContext.Current.CancellationToken);

        Assert.Equal(request.Deadline, inside);
    }
}
