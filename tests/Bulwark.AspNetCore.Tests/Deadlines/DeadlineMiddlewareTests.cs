using Bulwark.Testing;
using System.Net;
using Bulwark.AspNetCore.Deadlines;
using Bulwark.Resilience.Deadlines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.AspNetCore.Tests.Deadlines;

/// <summary>Two real HTTP hops: client → front (Kestrel) → downstream (Kestrel).</summary>
public sealed class DeadlineMiddlewareTests : IAsyncLifetime
{
    private WebApplication? _front;
    private WebApplication? _downstream;
    private Uri _frontAddress = null!;
    private int _downstreamRequests;
    private string? _downstreamSawDeadline;
    private readonly HttpClient _client = new();
    private readonly TaskCompletionSource _downstreamCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask InitializeAsync()
    {
        (_downstream, var downstreamAddress) = await LoopbackKestrel.StartAsync(
            b => b.Services.AddBulwarkDeadlines(),
            app =>
            {
                app.Use(async (context, next) =>
                {
                    Interlocked.Increment(ref _downstreamRequests);
                    _downstreamSawDeadline = context.Request.Headers[Deadline.HeaderName];
                    await next(context);
                });
                app.UseBulwarkDeadlines();
                app.MapGet("/stock", () => Results.Ok(new { remaining = DeadlineContext.Current?.ToHeaderValue() }));
                app.MapGet("/slow", async (CancellationToken ct) =>
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(30), ct);
                    }
                    catch (OperationCanceledException)
                    {
                        _downstreamCancelled.TrySetResult();
                        throw;
                    }

                    return Results.Ok();
                });
            });

        (_front, _frontAddress) = await LoopbackKestrel.StartAsync(
            b =>
            {
                b.Services.AddBulwarkDeadlines();
                b.Services.AddHttpClient("downstream", c => c.BaseAddress = downstreamAddress).AddBulwarkDeadlinePropagation();
            },
            app =>
            {
                app.UseBulwarkDeadlines();
                app.MapGet("/page", async (IHttpClientFactory factory, int? workMs, bool? slow, CancellationToken ct) =>
                {
                    // Work that ignores the deadline, so the outgoing call is what must notice it is spent.
                    if (workMs is { } ms)
                    {
                        await Task.Delay(ms, CancellationToken.None);
                    }

                    return Results.Text(await factory.CreateClient("downstream").GetStringAsync(slow == true ? "/slow" : "/stock", ct));
                });
            });
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        if (_downstream is not null)
        {
            await _downstream.DisposeAsync();
        }
    }

    private static long UnixMs(TimeSpan fromNow) => TimeProvider.System.GetUtcNow().Add(fromNow).ToUnixTimeMilliseconds();

    [Fact]
    public async Task Page_WithDeadline_DownstreamReceivesTheSameAbsoluteDeadline()
    {
        var deadline = UnixMs(TimeSpan.FromSeconds(20)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_frontAddress, "/page"));
        request.Headers.Add(Deadline.HeaderName, deadline);

        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(deadline, _downstreamSawDeadline);
        Assert.Contains(deadline, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Page_WithoutDeadline_GetsTheDefaultBudgetAndForwardsIt()
    {
        var before = UnixMs(TimeSpan.FromSeconds(5));
        using var response = await _client.GetAsync(new Uri(_frontAddress, "/page"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = long.Parse(_downstreamSawDeadline!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(forwarded, before - 1000, before + 5000);
    }

    [Fact]
    public async Task Page_DeadlineSpentBeforeTheOutgoingCall_MakesNoDownstreamRequestAndAnswers504()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_frontAddress, "/page?workMs=400"));
        request.Headers.Add(Deadline.HeaderName, UnixMs(TimeSpan.FromMilliseconds(150)).ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(0, Volatile.Read(ref _downstreamRequests));
    }

    [Fact]
    public async Task Page_DeadlinePassesWhileDownstreamWorks_Answers504AndTheDownstreamWorkIsCancelled()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_frontAddress, "/page?slow=true"));
        request.Headers.Add(Deadline.HeaderName, UnixMs(TimeSpan.FromMilliseconds(1500)).ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        // Both hops work to the same deadline, so either may notice it first; the answer is 504 either way.
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.GatewayTimeout, $"Expected 504, got {(int)response.StatusCode}: {body}");
        // No ghost work: the downstream handler was cancelled instead of running its 30 seconds.
        await _downstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Page_AlreadyExpiredOnArrival_IsShedWith504()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_frontAddress, "/page"));
        request.Headers.Add(Deadline.HeaderName, UnixMs(TimeSpan.FromSeconds(-1)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, Volatile.Read(ref _downstreamRequests));
    }

    [Fact]
    public async Task Page_MalformedDeadline_Is400ProblemDetails()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_frontAddress, "/page"));
        request.Headers.Add(Deadline.HeaderName, "tomorrow");
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("https://bulwark.dev/problems/malformed-deadline", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
