namespace Bulwark.Drills.Hostile;

/// <summary>The answer a hostile request must get for the shop to hold.</summary>
public enum HostileExpectation
{
    /// <summary>401, 403 or 404: the caller may not touch another's thing (404 preferred: no hint that it exists).</summary>
    Refused,

    /// <summary>
    /// Like <see cref="Refused"/>, or a 2xx that mentions nothing of the victim: a list endpoint may ignore a filter it
    /// does not allow and answer with the caller's own items.
    /// </summary>
    RefusedOrOwnOnly,

    /// <summary>401: no credentials, no entry.</summary>
    Unauthenticated,

    /// <summary>413: an over-size body is refused as too large, never buffered into a 500.</summary>
    TooLarge,

    /// <summary>422: invalid input named as such.</summary>
    Unprocessable,

    /// <summary>404 or 401: an operator surface not served on the public port.</summary>
    NotServed,
}

/// <summary>One hostile request and the answer it got.</summary>
/// <param name="Check">The check it belongs to, e.g. <c>2 cross-customer</c>.</param>
/// <param name="Request">What was sent and by whom, e.g. <c>B: GET /api/orders/{A's order}</c>.</param>
/// <param name="Expect">The answer the shop must give.</param>
/// <param name="Status">The status it gave (0 = no answer).</param>
/// <param name="MentionsVictim">Whether a 2xx body contained the victim's id or e-mail.</param>
/// <param name="Informational">Recorded, not judged (e.g. a management endpoint of a target run in Development).</param>
/// <param name="Detail">What the answer said, trimmed: the evidence a reader needs.</param>
public sealed record HostileProbe(
    string Check,
    string Request,
    HostileExpectation Expect,
    int Status,
    bool MentionsVictim = false,
    bool Informational = false,
    string? Detail = null);

/// <summary>Whether the customers could sign up and sign in.</summary>
/// <param name="SignUpStatuses">The status of each sign-up.</param>
/// <param name="SignInStatuses">The status of each sign-in.</param>
/// <param name="TokensIssued">How many sign-ins returned an access token.</param>
public sealed record IdentityObservation(IReadOnlyList<int> SignUpStatuses, IReadOnlyList<int> SignInStatuses, int TokensIssued);

/// <summary>The one-cent pre-emption: a customer charges an order's own payment key with 1 cent before the shop does.</summary>
/// <param name="ChargeStatus">The status of the pre-emptive charge, sent without the operator key.</param>
/// <param name="OrderStatus">The order's status once it settled (or when the drill stopped waiting).</param>
/// <param name="OrderPayment">The order's payment state as the shop reports it.</param>
/// <param name="OrderTotalCents">What the order costs.</param>
/// <param name="ProviderChargesCents">
/// The amounts the payment provider holds under keys naming the order; null when the provider's ledger was not read.
/// </param>
public sealed record OneCentObservation(int ChargeStatus, string? OrderStatus, string? OrderPayment, long OrderTotalCents, IReadOnlyList<long>? ProviderChargesCents);

/// <summary>The victim's wallet read by its owner before and after the other callers' attempts.</summary>
/// <param name="BalanceBefore">The balance before.</param>
/// <param name="BalanceAfter">The balance after (null: the owner could not read it).</param>
/// <param name="OwnerBefore">The owner's name before.</param>
/// <param name="OwnerAfter">The owner's name after (null: the owner could not read it).</param>
/// <param name="ReadStatusAfter">The status of the owner's read after.</param>
public sealed record WalletObservation(long BalanceBefore, long? BalanceAfter, string OwnerBefore, string? OwnerAfter, int ReadStatusAfter);

/// <summary>Another caller sends the victim's idempotency key.</summary>
/// <param name="Body">Which body: <c>same</c> or <c>other</c>.</param>
/// <param name="Status">The status the other caller got.</param>
/// <param name="OrderId">The order id in its answer, if any.</param>
public sealed record KeyReuseAnswer(string Body, int Status, string? OrderId);

/// <summary>Another caller reuses the victim's order <c>Idempotency-Key</c>.</summary>
/// <param name="VictimOrderId">The order the key made for its owner.</param>
/// <param name="Answers">What the other caller got, per body.</param>
public sealed record KeyReuseObservation(string VictimOrderId, IReadOnlyList<KeyReuseAnswer> Answers);

/// <summary>A timed request made while the idle connections were open.</summary>
/// <param name="Request">What was asked.</param>
/// <param name="Status">Its status (0 = no answer).</param>
/// <param name="Latency">How long it took.</param>
public sealed record TimedAnswer(string Request, int Status, TimeSpan Latency);

/// <summary>Idle connections held open from another loopback address while a customer is served.</summary>
/// <param name="Requested">Connections the drill tried to open.</param>
/// <param name="Opened">Connections that opened.</param>
/// <param name="ClosedByServer">Of those, how many the server had closed by the time the probes ran (a cap at work).</param>
/// <param name="SourceAddress">The local address they came from.</param>
/// <param name="Probes">The requests made meanwhile.</param>
/// <param name="Bound">Each must answer 200 within this.</param>
public sealed record IdleObservation(int Requested, int Opened, int ClosedByServer, string SourceAddress, IReadOnlyList<TimedAnswer> Probes, TimeSpan Bound);

/// <summary>Everything a Hostile run recorded; <see cref="HostileJudge"/> turns it into a verdict.</summary>
/// <param name="Identity">Sign-up and sign-in.</param>
/// <param name="OneCent">The pre-emption, when an order could be placed.</param>
/// <param name="Probes">Every status-judged request.</param>
/// <param name="Wallet">The victim's wallet before and after, when one could be opened.</param>
/// <param name="KeyReuse">The key reuse, when an order could be placed.</param>
/// <param name="Idle">The idle connections, unless switched off.</param>
/// <param name="NotRun">Probes left out on purpose and why (no operator key, no provider URL): noted, not judged.</param>
/// <param name="Broken">Set-up steps that failed, so their checks could not run: the verdict cannot be a pass.</param>
public sealed record HostileMeasurement(
    IdentityObservation Identity,
    OneCentObservation? OneCent,
    IReadOnlyList<HostileProbe> Probes,
    WalletObservation? Wallet,
    KeyReuseObservation? KeyReuse,
    IdleObservation? Idle,
    IReadOnlyList<string> NotRun,
    IReadOnlyList<string> Broken);
