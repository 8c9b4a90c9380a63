using System.Net;
using Bulwark.Resilience.Deadlines;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Resilience.Tests.Deadlines;

public sealed class DeadlinePropagationHandlerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Send_CalleeAnswers504AsTheSharedDeadlinePasses_ThrowsDeadlineExceeded()
    {
        // The callee's clock passed the shared deadline a moment before this hop's timer fired (CI saw exactly this
        // race); its 504 must read as this request's deadline, so the entry answers 504 and not 500.
        using var client = Client(_ =>
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            return new HttpResponseMessage(HttpStatusCode.GatewayTimeout);
        });
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(1), _time), _time, CancellationToken.None);

        var e = await Assert.ThrowsAsync<DeadlineExceededException>(() => client.GetAsync(new Uri("http://callee.test/stock"), TestContext.Current.CancellationToken));

        Assert.False(e.BeforeCall);
        Assert.Equal(HttpStatusCode.GatewayTimeout, Assert.IsType<HttpRequestException>(e.InnerException).StatusCode);
    }

    [Fact]
    public async Task Send_CalleeAnswers504WithTimeLeft_TheAnswerIsPassedOnAsItIs()
    {
        using var client = Client(_ => new HttpResponseMessage(HttpStatusCode.GatewayTimeout));
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(10), _time), _time, CancellationToken.None);

        using var response = await client.GetAsync(new Uri("http://callee.test/stock"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task Send_WithDeadline_ForwardsItAsXDeadline()
    {
        string? forwarded = null;
        using var client = Client(request =>
        {
            forwarded = request.Headers.GetValues(Deadline.HeaderName).Single();
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var deadline = Deadline.After(TimeSpan.FromSeconds(3), _time);
        using var scope = DeadlineContext.Begin(deadline, _time, CancellationToken.None);

        using var response = await client.GetAsync(new Uri("http://callee.test/stock"), TestContext.Current.CancellationToken);

        Assert.Equal(deadline.ToHeaderValue(), forwarded);
    }

    private HttpClient Client(Func<HttpRequestMessage, HttpResponseMessage> callee) =>
        new(new DeadlinePropagationHandler(_time, Options.Create(new DeadlinePropagationOptions())) { InnerHandler = new Callee(callee) });

    private sealed class Callee(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }
}
