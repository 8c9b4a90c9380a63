using System.Net;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.Retry;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Timeout;

namespace Bulwark.Resilience.Tests.Retry;

public sealed class BulwarkRetryStrategyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    private ResiliencePipeline<HttpResponseMessage> HttpPipeline(BulwarkRetryOptions options, RetryBudget? budget = null)
    {
        options.Budget = budget;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddBulwarkRetry(options.ForHttp())
            .Build();
    }

    // The retry outside, the attempt timeout inside it and told to the retry, as AddBulwarkPipeline builds them.
    private ResiliencePipeline<HttpResponseMessage> TimedPipeline(BulwarkRetryOptions options, TimeSpan attemptTimeout)
    {
        options.AttemptTimeout = attemptTimeout;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddBulwarkRetry(options.ForHttp())
            .AddTimeout(attemptTimeout)
            .Build();
    }

    private async Task<T> DriveInSteps<T>(Task<T> task, TimeSpan step)
    {
        for (var i = 0; !task.IsCompleted && i < 1000; i++)
        {
            _time.Advance(step);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        return await task;
    }

    private async Task<T> Drive<T>(Func<Task<T>> run)
    {
        var task = run();
        while (!task.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        return await task;
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task Execute_NonTransientStatus_IsNeverRetried(HttpStatusCode status)
    {
        var calls = 0;
        var pipeline = HttpPipeline(new() { BaseDelay = TimeSpan.Zero, Jitter = BackoffJitter.None });
        using var response = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(new HttpResponseMessage(status)); }, TestContext.Current.CancellationToken);
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Execute_TransientStatus_IsRetriedUpToMaxAttempts(HttpStatusCode status)
    {
        var calls = 0;
        var pipeline = HttpPipeline(new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.Zero, Jitter = BackoffJitter.None });
        using var response = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(new HttpResponseMessage(status)); }, TestContext.Current.CancellationToken);
        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task Execute_NetworkFault_IsRetried()
    {
        var calls = 0;
        var pipeline = HttpPipeline(new() { MaxRetryAttempts = 2, BaseDelay = TimeSpan.Zero });
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await pipeline.ExecuteAsync<HttpResponseMessage>(_ => { calls++; throw new HttpRequestException("reset"); }, TestContext.Current.CancellationToken));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Execute_429WithRetryAfter_WaitsWhatTheServerAsked()
    {
        var delays = new List<TimeSpan>();
        var calls = 0;
        var pipeline = HttpPipeline(new() { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(100), OnRetry = r => delays.Add(r.Delay) });
        using var response = await Drive(() => pipeline.ExecuteAsync(_ =>
        {
            var r = new HttpResponseMessage(calls++ == 0 ? HttpStatusCode.TooManyRequests : HttpStatusCode.OK);
            r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return ValueTask.FromResult(r);
        }, TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([TimeSpan.FromSeconds(7)], delays);
    }

    [Fact]
    public async Task Execute_FullJitter_SpreadsDelaysWithinTheExponentialBound()
    {
        var delays = new List<TimeSpan>();
        var options = new BulwarkRetryOptions { MaxRetryAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10), OnRetry = r => delays.Add(r.Delay) };
        var pipeline = HttpPipeline(options);
        for (var i = 0; i < 25; i++)
        {
            using var response = await Drive(() => pipeline.ExecuteAsync(_ => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)), TestContext.Current.CancellationToken).AsTask());
        }

        Assert.Equal(100, delays.Count);
        Assert.True(delays.Distinct().Count() > 95, "jittered delays should almost never repeat");
        for (var i = 0; i < delays.Count; i++)
        {
            var bound = TimeSpan.FromMilliseconds(100 * Math.Pow(2, i % 4));
            Assert.InRange(delays[i], TimeSpan.Zero, bound);
        }
    }

    [Theory]
    [InlineData(BackoffJitter.None)]
    [InlineData(BackoffJitter.Full)]
    [InlineData(BackoffJitter.Decorrelated)]
    public void Next_ManyRetries_NeverExceedsTheCap(BackoffJitter jitter)
    {
        var cap = TimeSpan.FromSeconds(5);
        var previous = TimeSpan.FromMilliseconds(100);
        var random = new Random(42);
        for (var retry = 0; retry < 200; retry++)
        {
            previous = Backoff.Next(jitter, retry, TimeSpan.FromMilliseconds(100), cap, previous, random.NextDouble());
            Assert.InRange(previous, TimeSpan.Zero, cap);
        }

        Assert.Equal(cap, Backoff.Exponential(1000, TimeSpan.FromMilliseconds(100), cap));
    }

    [Fact]
    public void Next_Decorrelated_StaysBetweenBaseAndThreeTimesPrevious()
    {
        var random = new Random(7);
        var values = new HashSet<TimeSpan>();
        for (var i = 0; i < 500; i++)
        {
            var delay = Backoff.Next(BackoffJitter.Decorrelated, 3, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), random.NextDouble());
            Assert.InRange(delay, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3));
            values.Add(delay);
        }

        Assert.True(values.Count > 450);
    }

    [Fact]
    public async Task Execute_SustainedOutage_BudgetCapsRetriesToAShareOfCalls()
    {
        var budget = new RetryBudget("payments", new() { RetryRatio = 0.2, MinRetriesPerSecond = 1, Window = TimeSpan.FromSeconds(10) }, _time);
        var pipeline = HttpPipeline(new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.Zero, Jitter = BackoffJitter.None }, budget);
        var attempts = 0;

        // 1000 calls spread over 10 seconds against a dead dependency.
        for (var call = 0; call < 1000; call++)
        {
            using var response = await pipeline.ExecuteAsync(_ => { attempts++; return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)); }, TestContext.Current.CancellationToken);
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var retries = attempts - 1000;
        Assert.InRange(retries, 150, 220); // ≈ 20% of calls + the 10-per-window floor, not the 3000 an unbudgeted retry makes
    }

    [Fact]
    public async Task Execute_DeadlineTooShortForAnotherAttempt_DoesNotRetry()
    {
        var calls = 0;
        var pipeline = HttpPipeline(new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(200), Jitter = BackoffJitter.None, ExpectedAttemptDuration = TimeSpan.FromMilliseconds(100) });
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromMilliseconds(250), _time), _time, TestContext.Current.CancellationToken);
        using var response = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)); }, TestContext.Current.CancellationToken);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Execute_AttemptTimedOutAndTheDeadlineCannotHoldAWholeAttempt_DoesNotRetry()
    {
        // 1.5 s budget, 1 s attempts: after the first attempt hangs, 0.5 s is left. That holds delay (200 ms) plus a
        // typical attempt (100 ms), but not another 1 s attempt, which the deadline would only cut short.
        var calls = 0;
        var pipeline = TimedPipeline(new() { MaxRetryAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(200), Jitter = BackoffJitter.None }, TimeSpan.FromSeconds(1));
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(1.5), _time), _time, TestContext.Current.CancellationToken);

        var run = pipeline.ExecuteAsync(async ct => { Interlocked.Increment(ref calls); await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct); return new HttpResponseMessage(); }, TestContext.Current.CancellationToken).AsTask();

        // Exactly one attempt timeout of fake time: the call must end right there. Stepping the clock in small
        // increments raced the continuations on a loaded machine and overshot (the same fix as 6288edd).
        for (var i = 0; i < 1000 && Volatile.Read(ref calls) == 0; i++)
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(1, calls);
        Assert.Equal(TimeSpan.FromSeconds(1), _time.GetUtcNow() - scope.Deadline.At.AddSeconds(-1.5));
    }

    [Fact]
    public async Task Execute_AttemptTimedOutWithRoomForAWholeAttempt_RetriesOnceMore()
    {
        // 3 s budget: the first hung attempt leaves 2 s, room for 200 ms + 1 s; the second leaves 0.8 s, not 400 ms + 1 s.
        var calls = 0;
        var pipeline = TimedPipeline(new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(200), Jitter = BackoffJitter.None }, TimeSpan.FromSeconds(1));
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(3), _time), _time, TestContext.Current.CancellationToken);

        var run = pipeline.ExecuteAsync(async ct => { calls++; await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct); return new HttpResponseMessage(); }, TestContext.Current.CancellationToken).AsTask();

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => DriveInSteps(run, TimeSpan.FromMilliseconds(50)));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Execute_FastFailureWithLessThanAnAttemptTimeoutLeft_IsStillRetried()
    {
        // Only a timed-out attempt is expected to take the whole attempt timeout; a fast 503 keeps its cheap retries.
        var calls = 0;
        var pipeline = TimedPipeline(new() { MaxRetryAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(200), Jitter = BackoffJitter.None }, TimeSpan.FromSeconds(1));
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(0.9), _time), _time, TestContext.Current.CancellationToken);

        var run = pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)); }, TestContext.Current.CancellationToken).AsTask();

        using var response = await DriveInSteps(run, TimeSpan.FromMilliseconds(50));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, calls);
    }
}
