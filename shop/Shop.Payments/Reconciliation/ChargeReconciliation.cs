using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Payments.Contracts;
using Shop.Payments.Ledger;
using Shop.Payments.Provider;

namespace Shop.Payments.Reconciliation;

/// <summary>What one attempt to settle a payment learned.</summary>
internal sealed record SettleAttempt(ReversalOutcome Outcome, string? ChargeId, string? Reason, DateTimeOffset? NotBefore = null);

/// <summary>
/// Settles payments that must keep no money: refund the known charge, else ask the provider by idempotency key and
/// refund what it holds. Only the provider's own ledger decides; an answer that did not arrive decides nothing, so the
/// payment stays in <see cref="ReconciliationStore"/> until it does. Every refund it settles, inline or days later, is
/// recorded in the <see cref="PaymentLedger"/>, so the payments data product says "refunded" for it.
/// </summary>
internal sealed partial class ChargeReconciliation(
    IServiceProvider services,
    ReconciliationStore store,
    PaymentLedger ledger,
    ReconciliationMetrics metrics,
    TimeProvider time,
    IOptions<ReconciliationOptions> options,
    ILogger<ChargeReconciliation> logger)
{
    /// <summary>Tries once inline (the caller is a saga compensation); hands the payment to the reconciler otherwise.</summary>
    public async Task<ReversalResult> ReverseAsync(ReversePaymentCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var settleAfter = (command.LastChargeAttemptAt ?? time.GetUtcNow()) + options.Value.SettleDelay;
        var attempt = await TrySettleAsync(command.PaymentId, command.ChargeId, settleAfter, cancellationToken);
        if (attempt.Outcome != ReversalOutcome.Deferred)
        {
            await RecordAsync(attempt, cancellationToken);
            metrics.Outcome(OutcomeName(attempt.Outcome));
            LogSettled(logger, command.PaymentId, attempt.Outcome, attempt.ChargeId);
            return new ReversalResult(attempt.Outcome, attempt.ChargeId, null);
        }

        var now = time.GetUtcNow();
        var next = Max(now + options.Value.BaseDelay, attempt.NotBefore ?? now);
        await store.RecordAsync(command.PaymentId, command.Reference, attempt.ChargeId ?? command.ChargeId, next, settleAfter, attempt.Reason, now, cancellationToken);
        metrics.Outcome("deferred");
        metrics.SetUnreconciled(await store.CountUnreconciledAsync(cancellationToken));
        LogDeferred(logger, command.PaymentId, command.Reference, attempt.Reason);
        return new ReversalResult(ReversalOutcome.Deferred, attempt.ChargeId ?? command.ChargeId, attempt.Reason);
    }

    /// <summary>One round of the reconciler: every pending payment that is due gets one attempt.</summary>
    /// <returns>How many payments were settled.</returns>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var settled = 0;
        var o = options.Value;
        foreach (var record in await store.ListDueAsync(time.GetUtcNow(), o.BatchSize, cancellationToken))
        {
            var attempt = await TrySettleAsync(record.PaymentId, record.ChargeId, record.SettleAfter, cancellationToken);
            var now = time.GetUtcNow();
            if (attempt.Outcome != ReversalOutcome.Deferred)
            {
                var status = attempt.Outcome == ReversalOutcome.Refunded ? ReconciliationStatus.Refunded : ReconciliationStatus.NothingCharged;
                // The ledger before the record: a crash between them leaves the payment due, and the next round's
                // ledger write of the same refund is a no-op (one stream per charge).
                await RecordAsync(attempt, cancellationToken);
                await store.ResolveAsync(record.PaymentId, status, attempt.ChargeId, now, cancellationToken);
                metrics.Outcome(OutcomeName(attempt.Outcome));
                LogReconciled(logger, record.PaymentId, record.Reference, attempt.Outcome, record.Attempts + 1);
                settled++;
                continue;
            }

            var attempts = record.Attempts + 1;
            var park = attempts >= o.MaxAttempts;
            var next = Max(now + Backoff(attempts, o), attempt.NotBefore ?? now);
            await store.RetryLaterAsync(record.PaymentId, attempts, next, park, attempt.ChargeId, attempt.Reason, now, cancellationToken);
            if (park)
            {
                metrics.Outcome("parked");
                LogParked(logger, record.PaymentId, record.Reference, attempts, attempt.Reason);
            }
            else
            {
                metrics.Outcome("retry_failed");
                LogStillUnknown(logger, record.PaymentId, attempts, next, attempt.Reason);
            }
        }

        metrics.SetUnreconciled(await store.CountUnreconciledAsync(cancellationToken));
        return settled;
    }

    /// <summary>Exponential: base, 2×base, 4×base ... capped. One worker and few rows: no herd to spread with jitter.</summary>
    internal static TimeSpan Backoff(int failedAttempts, ReconciliationOptions options)
    {
        var factor = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var delay = options.BaseDelay.TotalMilliseconds * factor;
        return delay >= options.MaxDelay.TotalMilliseconds ? options.MaxDelay : TimeSpan.FromMilliseconds(delay);
    }

    // Ledger first, always: a read that tells the truth whatever answers were lost before, so an already refunded
    // charge costs no second refund request, and a refund whose answer is lost is confirmed by reading again.
    private async Task<SettleAttempt> TrySettleAsync(string paymentId, string? chargeId, DateTimeOffset settleAfter, CancellationToken cancellationToken)
    {
        var provider = services.GetRequiredService<IPaymentGateway>();
        var lookup = await provider.LookupAsync(paymentId, cancellationToken);
        switch (lookup.Outcome)
        {
            case LookupOutcome.Unavailable:
                return new SettleAttempt(ReversalOutcome.Deferred, chargeId, lookup.Reason);
            case LookupOutcome.NotFound when chargeId is null:
                return time.GetUtcNow() >= settleAfter
                    ? new SettleAttempt(ReversalOutcome.NothingCharged, null, null)
                    : new SettleAttempt(ReversalOutcome.Deferred, null, $"no charge yet; a late one may still land until {settleAfter:O}", settleAfter);
            case LookupOutcome.NotFound:
                // The provider answered with a charge id it does not list under the key: a person must look.
                return new SettleAttempt(ReversalOutcome.Deferred, chargeId, $"charge {chargeId} is not listed under key {paymentId}");
        }

        var charge = lookup.Charge!;
        if (charge.IsRefunded)
        {
            return new SettleAttempt(ReversalOutcome.Refunded, charge.Id, null);
        }

        var refund = await RefundAsync(provider, charge.Id, cancellationToken);
        if (refund.Outcome == PaymentOutcome.Charged)
        {
            return new SettleAttempt(ReversalOutcome.Refunded, charge.Id, null);
        }

        var recheck = await provider.LookupAsync(paymentId, cancellationToken);
        return recheck.Charge is { IsRefunded: true }
            ? new SettleAttempt(ReversalOutcome.Refunded, charge.Id, null)
            : new SettleAttempt(ReversalOutcome.Deferred, charge.Id, refund.Reason ?? recheck.Reason);
    }

    private static async Task<PaymentResult> RefundAsync(IPaymentGateway provider, string chargeId, CancellationToken cancellationToken)
    {
        try
        {
            return await provider.RefundAsync(chargeId, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            // The provider refused the refund as invalid (unknown charge): not transient, but not ours to drop either.
            return new PaymentResult(PaymentOutcome.Unavailable, null, e.Message);
        }
    }

    private static string OutcomeName(ReversalOutcome outcome) => outcome switch
    {
        ReversalOutcome.Refunded => "refunded",
        ReversalOutcome.NothingCharged => "not_charged",
        _ => "deferred",
    };

    private Task RecordAsync(SettleAttempt attempt, CancellationToken cancellationToken) =>
        attempt is { Outcome: ReversalOutcome.Refunded, ChargeId: { } chargeId }
            ? ledger.RefundedAsync(new ChargeRefunded(chargeId, time.GetUtcNow()), cancellationToken)
            : Task.CompletedTask;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Payment {PaymentId} reversed: {Outcome} (charge {ChargeId})")]
    private static partial void LogSettled(ILogger logger, string paymentId, ReversalOutcome outcome, string? chargeId);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Payment {PaymentId} ({Reference}) is unreconciled: the provider could not say whether money was taken ({Reason}); the reconciler keeps asking")]
    private static partial void LogDeferred(ILogger logger, string paymentId, string reference, string? reason);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Information, Message = "Payment {PaymentId} ({Reference}) reconciled: {Outcome} after {Attempts} attempt(s)")]
    private static partial void LogReconciled(ILogger logger, string paymentId, string reference, ReversalOutcome outcome, int attempts);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "Payment {PaymentId} still unreconciled after {Attempts} attempt(s) ({Reason}); next at {NextAttemptAt}")]
    private static partial void LogStillUnknown(ILogger logger, string paymentId, int attempts, DateTimeOffset nextAttemptAt, string? reason);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Critical, Message = "Payment {PaymentId} ({Reference}) parked unreconciled after {Attempts} attempts ({Reason}): money may be kept for a rejected order; settle it by hand or POST /api/payments/reconciliations/{PaymentId}/retry")]
    private static partial void LogParked(ILogger logger, string paymentId, string reference, int attempts, string? reason);
}
