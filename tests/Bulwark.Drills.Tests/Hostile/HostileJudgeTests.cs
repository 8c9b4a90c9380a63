using Bulwark.Drills.Hostile;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.Hostile;

public sealed class HostileJudgeTests
{
    private static readonly IdentityObservation SignedIn = new([201, 201], [200, 200], 2);

    private static HostileMeasurement Secure() => new(
        SignedIn,
        new OneCentObservation(401, "Confirmed", "Charged", 4_550, [4_550]),
        [
            new HostileProbe("2 cross-customer", "B: GET /api/orders/{A's order}", HostileExpectation.Refused, 404),
            new HostileProbe("2 cross-customer", "B: GET /api/notifications?userId={A}", HostileExpectation.RefusedOrOwnOnly, 200),
            new HostileProbe("3 anonymous", "anonymous: GET /api/users/me", HostileExpectation.Unauthenticated, 401),
            new HostileProbe("4 oversize", "A: POST /api/orders, 3.3 MB body, round 1", HostileExpectation.TooLarge, 413),
            new HostileProbe("6 validation", "anonymous: POST /api/users, display name with NUL", HostileExpectation.Unprocessable, 422),
            new HostileProbe("7 management", "anonymous: GET /metrics on the public port", HostileExpectation.NotServed, 404),
        ],
        new WalletObservation(5_000, 5_000, "Hostile A", "Hostile A", 200),
        new KeyReuseObservation("victim", [new KeyReuseAnswer("same", 202, "own"), new KeyReuseAnswer("other", 422, null)]),
        new IdleObservation(2_000, 2_000, 0, "127.0.0.2", [new TimedAnswer("GET /health/live", 200, TimeSpan.FromMilliseconds(3))], TimeSpan.FromSeconds(2)),
        [],
        []);

    private static HostileMeasurement WithProbe(HostileProbe probe) => Secure() with { Probes = [.. Secure().Probes, probe] };

    [Fact]
    public void Judge_EveryAttackRefused_Passes()
    {
        var verdict = HostileJudge.Judge(Secure());

        Assert.True(verdict.Outcome == DrillOutcome.Passed, verdict.Reason);
        Assert.All(verdict.Figures.Where(f => f.Ok is not null), f => Assert.True(f.Ok));
    }

    [Fact]
    public void Judge_NoSignInToken_FailsNamingIdentity()
    {
        var verdict = HostileJudge.Judge(Secure() with { Identity = new IdentityObservation([201, 201], [405, 405], 0) });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("0 identity", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Findings, f => f.Contains("405, 405", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_PublicChargeAccepted_Fails() =>
        Assert.Equal(DrillOutcome.Failed, HostileJudge.Judge(Secure() with { OneCent = new OneCentObservation(201, "Confirmed", "Charged", 4_550, [4_550]) }).Outcome);

    [Fact]
    public void Judge_ProviderHoldsOneCentForTheOrder_FailsWithTheAmounts()
    {
        var verdict = HostileJudge.Judge(Secure() with { OneCent = new OneCentObservation(401, "Confirmed", "Charged", 4_550, [1]) });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("holds 1 cent under the order's key against a total of 4550", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_ChargeAcceptedAndOrderConfirmedWithoutLedger_Fails() =>
        Assert.Contains(
            HostileJudge.Judge(Secure() with { OneCent = new OneCentObservation(201, "Confirmed", "Charged", 4_550, null) }).Findings,
            f => f.Contains("probably holds 1 cent", StringComparison.Ordinal));

    [Theory]
    [InlineData(HostileExpectation.Refused, 200)]
    [InlineData(HostileExpectation.Refused, 204)]
    [InlineData(HostileExpectation.Refused, 409)]
    [InlineData(HostileExpectation.Unauthenticated, 404)]
    [InlineData(HostileExpectation.Unauthenticated, 400)]
    [InlineData(HostileExpectation.TooLarge, 500)]
    [InlineData(HostileExpectation.TooLarge, 400)]
    [InlineData(HostileExpectation.TooLarge, 0)]
    [InlineData(HostileExpectation.Unprocessable, 201)]
    [InlineData(HostileExpectation.NotServed, 200)]
    public void Judge_ProbeAnsweredOutsideTheContract_Fails(HostileExpectation expect, int status)
    {
        var verdict = HostileJudge.Judge(WithProbe(new HostileProbe("9 test", "X: GET /x", expect, status)));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "[9 test] X: GET /x" && f.Ok == false && f.Value == status);
    }

    [Theory]
    [InlineData(HostileExpectation.Refused, 401)]
    [InlineData(HostileExpectation.Refused, 403)]
    [InlineData(HostileExpectation.Refused, 404)]
    [InlineData(HostileExpectation.NotServed, 401)]
    public void Judge_ProbeAnsweredWithinTheContract_Passes(HostileExpectation expect, int status) =>
        Assert.Equal(DrillOutcome.Passed, HostileJudge.Judge(WithProbe(new HostileProbe("9 test", "X: GET /x", expect, status))).Outcome);

    [Fact]
    public void Judge_ListShowingTheVictim_Fails() =>
        Assert.Equal(DrillOutcome.Failed, HostileJudge.Judge(WithProbe(new HostileProbe("2 cross-customer", "B: GET /api/notifications?userId={A}", HostileExpectation.RefusedOrOwnOnly, 200, MentionsVictim: true))).Outcome);

    [Fact]
    public void Judge_ManagementOpenInDevelopment_IsInformationalNotAFailure()
    {
        var verdict = HostileJudge.Judge(WithProbe(new HostileProbe("7 management", "anonymous: GET /metrics on the public port", HostileExpectation.NotServed, 200, Informational: true)));

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Threshold!.Contains("informational", StringComparison.Ordinal) && f.Ok is null);
    }

    [Fact]
    public void Judge_RateLimitedProbe_IsInconclusiveNotPassed() =>
        Assert.Equal(DrillOutcome.Inconclusive, HostileJudge.Judge(WithProbe(new HostileProbe("3 anonymous", "anonymous: GET /api/users/me", HostileExpectation.Unauthenticated, 429))).Outcome);

    [Fact]
    public void Judge_RateLimitedAndAFailure_FailureWins() =>
        Assert.Equal(DrillOutcome.Failed, HostileJudge.Judge(Secure() with
        {
            Probes = [new HostileProbe("3 anonymous", "a", HostileExpectation.Unauthenticated, 429), new HostileProbe("3 anonymous", "b", HostileExpectation.Unauthenticated, 200)],
        }).Outcome);

    [Fact]
    public void Judge_SetupBroken_IsInconclusive()
    {
        var verdict = HostileJudge.Judge(Secure() with { Broken = ["A could not open a wallet (POST /api/wallets answered 400)"] });

        Assert.Equal(DrillOutcome.Inconclusive, verdict.Outcome);
        Assert.Contains("could not open a wallet", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_NotRunProbes_AreNotedWithoutChangingThePass()
    {
        var verdict = HostileJudge.Judge(Secure() with { NotRun = ["the operator's charge (pass --api-key)"] });

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains("Not run: the operator's charge (pass --api-key)", verdict.Findings);
    }

    [Theory]
    [InlineData(0L, "Hostile A", "went from 5000 to 0 cents")]
    [InlineData(5_000L, "[shredded]", "shredded A's personal data")]
    public void Judge_VictimWalletChanged_Fails(long balanceAfter, string ownerAfter, string finding)
    {
        var verdict = HostileJudge.Judge(Secure() with { Wallet = new WalletObservation(5_000, balanceAfter, "Hostile A", ownerAfter, 200) });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains(finding, StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_VictimWalletReadRateLimited_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, HostileJudge.Judge(Secure() with { Wallet = new WalletObservation(5_000, null, "Hostile A", null, 429) }).Outcome);

    [Fact]
    public void Judge_KeyReuseReturnsVictimsOrder_Fails()
    {
        var verdict = HostileJudge.Judge(Secure() with { KeyReuse = new KeyReuseObservation("victim", [new KeyReuseAnswer("same", 202, "victim"), new KeyReuseAnswer("other", 422, null)]) });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("got A's order victim back", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_KeyReuseServerError_Fails() =>
        Assert.Equal(DrillOutcome.Failed, HostileJudge.Judge(Secure() with { KeyReuse = new KeyReuseObservation("victim", [new KeyReuseAnswer("other", 500, null)]) }).Outcome);

    [Theory]
    [InlineData(200, 2_500)]
    [InlineData(0, 100)]
    [InlineData(503, 10)]
    public void Judge_CustomerNotServedDuringIdleConnections_Fails(int status, int latencyMs)
    {
        var idle = new IdleObservation(2_000, 2_000, 0, "127.0.0.2", [new TimedAnswer("A: GET /api/orders/{A's order}", status, TimeSpan.FromMilliseconds(latencyMs))], TimeSpan.FromSeconds(2));

        var verdict = HostileJudge.Judge(Secure() with { Idle = idle });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("8 idle connections", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_NoIdleConnectionOpened_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, HostileJudge.Judge(Secure() with
        {
            Idle = new IdleObservation(2_000, 0, 0, "127.0.0.2", [new TimedAnswer("GET /health/live", 200, TimeSpan.FromMilliseconds(3))], TimeSpan.FromSeconds(2)),
        }).Outcome);
}
