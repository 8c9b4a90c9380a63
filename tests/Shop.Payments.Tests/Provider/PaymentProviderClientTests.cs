using Bulwark.Resilience.Deadlines;
using Microsoft.Extensions.Time.Testing;
using Shop.Payments.Contracts;
using Shop.Payments.Provider;

namespace Shop.Payments.Tests.Provider;

/// <summary>How the provider client tells its own payment budget running out from the caller's deadline passing.</summary>
public sealed class PaymentProviderClientTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChargeCommand Command() => new("pay-1", "order-1", 1999, "EUR", "tok_visa");

    [Fact]
    public async Task ChargeAsync_PaymentBudgetSpentWhileTheRequestHasTime_UnavailableNotThrown()
    {
        // The pipeline's 1.5 s budget ran out (its deadline handler won the race with Polly's timeout); the request's
        // 5 s deadline has 3.5 s left: the provider did not answer in time, a 503 with Retry-After, not a 504.
        using var request = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(5), _time), _time, Ct);
        using var client = Client(new Deadline(_time.GetUtcNow().AddSeconds(-0.001)));
        _time.Advance(TimeSpan.FromSeconds(1.5));

        var result = await new PaymentProviderClient(client, _time).ChargeAsync(Command(), Ct);

        Assert.Equal(PaymentOutcome.Unavailable, result.Outcome);
        Assert.Equal("payment provider did not answer in time", result.Reason);
    }

    [Fact]
    public async Task ChargeAsync_TheRequestsOwnDeadlinePassed_LetsTheDeadlineExceededThrough()
    {
        // The caller's deadline is what passed: the deadline middleware answers 504, as for any late request.
        using var request = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(1), _time), _time, Ct);
        using var client = Client(new Deadline(_time.GetUtcNow().AddSeconds(1)));
        _time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<DeadlineExceededException>(() => new PaymentProviderClient(client, _time).ChargeAsync(Command(), Ct));
    }

    private static HttpClient Client(Deadline spent) => new(new SpentDeadline(spent)) { BaseAddress = new Uri("http://provider.test/") };

    private sealed class SpentDeadline(Deadline deadline) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new DeadlineExceededException(deadline, "http://provider.test/charges");
    }
}
