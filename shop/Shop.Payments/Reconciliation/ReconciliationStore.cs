using System.Globalization;
using System.Data.Common;
using Bulwark.Data;
using Shop.Infrastructure.Data;

namespace Shop.Payments.Reconciliation;

/// <summary>The status of a payment the reconciler owns.</summary>
internal static class ReconciliationStatus
{
    /// <summary>Outcome unknown; the reconciler keeps asking the provider.</summary>
    public const string Pending = "pending";

    /// <summary>Still unknown after <see cref="ReconciliationOptions.MaxAttempts"/>: waits for a person, never dropped.</summary>
    public const string Parked = "parked";

    /// <summary>The charge existed and is refunded.</summary>
    public const string Refunded = "refunded";

    /// <summary>The provider never took the money.</summary>
    public const string NothingCharged = "not_charged";
}

/// <summary>One payment whose money the reconciler must settle.</summary>
internal sealed record ReconciliationRecord(
    string PaymentId,
    string Reference,
    string? ChargeId,
    string Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset SettleAfter,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

internal static class PaymentsMigrations
{
    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        ModuleMigration.Sql("create reconciliations", """
            CREATE TABLE payments_reconciliations (
                payment_id      TEXT PRIMARY KEY,
                reference       TEXT    NOT NULL,
                charge_id       TEXT,
                status          TEXT    NOT NULL CHECK (status IN ('pending', 'parked', 'refunded', 'not_charged')),
                attempts        INTEGER NOT NULL,
                next_attempt_at TEXT    NOT NULL,
                settle_after    TEXT    NOT NULL,
                last_error      TEXT,
                created_at      TEXT    NOT NULL,
                updated_at      TEXT    NOT NULL
            );
            CREATE INDEX payments_reconciliations_due ON payments_reconciliations (status, next_attempt_at);
            """),
    ];
}

/// <summary>
/// The durable list of payments whose money is not settled yet. Times are stored as round-trip UTC text, so text
/// order is time order.
/// </summary>
internal sealed class ReconciliationStore(ModuleDatabase<PaymentsModule> payments)
{
    private const string Columns = "payment_id, reference, charge_id, status, attempts, next_attempt_at, settle_after, last_error, created_at, updated_at";

    /// <summary>Hands a payment to the reconciler; a repeated call (a repeated compensation) keeps the existing row.</summary>
    public async Task RecordAsync(string paymentId, string reference, string? chargeId, DateTimeOffset nextAttemptAt, DateTimeOffset settleAfter, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await payments.OpenAsync(cancellationToken);
        await using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO payments_reconciliations (payment_id, reference, charge_id, status, attempts, next_attempt_at, settle_after, last_error, created_at, updated_at)
            VALUES (@id, @reference, @charge, 'pending', 0, @next, @settle, @error, @now, @now)
            ON CONFLICT (payment_id) DO UPDATE SET
                charge_id = COALESCE(excluded.charge_id, payments_reconciliations.charge_id),
                last_error = excluded.last_error,
                updated_at = excluded.updated_at
            WHERE payments_reconciliations.status IN ('pending', 'parked');
            """;
        upsert.With("id", paymentId);
        upsert.With("reference", reference);
        upsert.With("charge", (object?)chargeId ?? DBNull.Value);
        upsert.With("next", Text(nextAttemptAt));
        upsert.With("settle", Text(settleAfter));
        upsert.With("error", (object?)error ?? DBNull.Value);
        upsert.With("now", Text(now));
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ReconciliationRecord>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await using var connection = await payments.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {Columns} FROM payments_reconciliations WHERE status = 'pending' AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT @max;";
        query.With("now", Text(now));
        query.With("max", max);
        return await ReadAsync(query, cancellationToken);
    }

    public async Task<IReadOnlyList<ReconciliationRecord>> ListAsync(string? status, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await payments.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {Columns} FROM payments_reconciliations WHERE CAST(@status AS TEXT) IS NULL OR status = @status ORDER BY created_at, payment_id LIMIT @limit OFFSET @offset;";
        query.With("status", (object?)status ?? DBNull.Value);
        query.With("limit", limit);
        query.With("offset", offset);
        return await ReadAsync(query, cancellationToken);
    }

    public async Task<ReconciliationRecord?> FindAsync(string paymentId, CancellationToken cancellationToken)
    {
        await using var connection = await payments.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {Columns} FROM payments_reconciliations WHERE payment_id = @id;";
        query.With("id", paymentId);
        return (await ReadAsync(query, cancellationToken)).SingleOrDefault();
    }

    public async Task<long> CountUnreconciledAsync(CancellationToken cancellationToken)
    {
        await using var connection = await payments.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT COUNT(*) FROM payments_reconciliations WHERE status IN ('pending', 'parked');";
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Records the settled outcome; only an unsettled row changes.</summary>
    public Task ResolveAsync(string paymentId, string status, string? chargeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        payments.ExecuteAsync(
            "UPDATE payments_reconciliations SET status = @status, charge_id = COALESCE(@charge, charge_id), last_error = NULL, updated_at = @now WHERE payment_id = @id AND status IN ('pending', 'parked');",
            cancellationToken,
            ("id", paymentId),
            ("status", status),
            ("charge", chargeId),
            ("now", Text(now)));

    /// <summary>Records a failed attempt and when to try next, or parks the payment.</summary>
    public Task RetryLaterAsync(string paymentId, int attempts, DateTimeOffset nextAttemptAt, bool park, string? chargeId, string? error, DateTimeOffset now, CancellationToken cancellationToken) =>
        payments.ExecuteAsync(
            "UPDATE payments_reconciliations SET attempts = @attempts, next_attempt_at = @next, status = @status, charge_id = COALESCE(@charge, charge_id), last_error = @error, updated_at = @now WHERE payment_id = @id AND status = 'pending';",
            cancellationToken,
            ("id", paymentId),
            ("attempts", attempts),
            ("next", Text(nextAttemptAt)),
            ("status", park ? ReconciliationStatus.Parked : ReconciliationStatus.Pending),
            ("charge", chargeId),
            ("error", error),
            ("now", Text(now)));

    /// <summary>An operator's "try again now" for a parked (or waiting) payment; false when there is nothing to retry.</summary>
    public async Task<bool> ReopenAsync(string paymentId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await payments.ExecuteAsync(
            "UPDATE payments_reconciliations SET status = 'pending', attempts = 0, next_attempt_at = @now, updated_at = @now WHERE payment_id = @id AND status IN ('pending', 'parked');",
            cancellationToken,
            ("id", paymentId),
            ("now", Text(now))) == 1;

    private static async Task<IReadOnlyList<ReconciliationRecord>> ReadAsync(DbCommand query, CancellationToken cancellationToken)
    {
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var records = new List<ReconciliationRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new ReconciliationRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                Parse(reader.GetString(5)),
                Parse(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                Parse(reader.GetString(8)),
                Parse(reader.GetString(9))));
        }

        return records;
    }

    private static string Text(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
