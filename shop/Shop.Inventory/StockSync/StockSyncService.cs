using System.Data.Common;
using System.Globalization;
using Bulwark.Data;
using Microsoft.Extensions.Logging;
using Shop.Infrastructure.Data;

namespace Shop.Inventory.StockSync;

/// <summary>How one sync ended.</summary>
internal sealed record StockSyncReport(string BatchId, bool AlreadyApplied, int Applied, int Quarantined);

/// <summary>A quarantined line as operators see it.</summary>
internal sealed record QuarantinedLine(long Id, string BatchId, int LineNumber, string Raw, string Reason, DateTimeOffset ReceivedAt);

/// <summary>
/// Applies counts to the shelf. A batch is all or nothing: every good count and every quarantined line commit in one
/// transaction, with the batch id, so a batch is never half applied and never applied twice. A line that is unreadable,
/// names an unknown product or counts fewer units than are promised to orders is quarantined, never guessed at.
/// </summary>
internal sealed partial class StockSyncService(
    ModuleDatabase<InventoryModule> inventory,
    IStockCountSource source,
    StockSyncMetrics metrics,
    TimeProvider time,
    ILogger<StockSyncService> logger)
{
    // A quarantined line is kept for a person to read, not stored as a blob: longer lines are cut.
    private const int MaxRawLength = 512;

    // Where writers hold row locks (PostgreSQL), a stock row read to decide a write is locked; SQLite has one writer.
    private string RowLock => inventory.Dialect.RowLockClause;

    /// <summary>Reads the source and applies its batch.</summary>
    public async Task<StockSyncReport> SyncAsync(CancellationToken cancellationToken)
    {
        StockCountBatch batch;
        try
        {
            batch = await source.ReadAsync(cancellationToken);
        }
        catch (StockSourceUnavailableException e)
        {
            metrics.Batch("source_unavailable");
            LogSourceUnavailable(logger, e.Message);
            throw;
        }

        return await ApplyAsync(batch, cancellationToken);
    }

    /// <summary>Applies one batch (all of it or none of it).</summary>
    public async Task<StockSyncReport> ApplyAsync(StockCountBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        StockSyncReport report;
        try
        {
            report = await inventory.WriteAsync((connection, transaction, ct) => ApplyOnceAsync(connection, transaction, batch, ct), cancellationToken);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            metrics.Batch("failed");
            LogBatchFailed(logger, e, batch.Id);
            throw;
        }

        if (report.AlreadyApplied)
        {
            metrics.Batch("already_applied");
            return report;
        }

        metrics.Batch("applied");
        metrics.Quarantined(report.Quarantined);
        metrics.SetQuarantineSize(await CountQuarantinedAsync(cancellationToken));
        LogApplied(logger, batch.Id, report.Applied, report.Quarantined);
        return report;
    }

    /// <summary>Quarantined lines, newest first, and how many there are in all.</summary>
    public async Task<(long Total, IReadOnlyList<QuarantinedLine> Lines)> ListQuarantinedAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await inventory.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand("SELECT id, batch_id, line_number, raw, reason, received_at FROM inventory_sync_quarantine ORDER BY id DESC LIMIT @limit OFFSET @offset;")
            .With("limit", limit)
            .With("offset", offset);
        var lines = new List<QuarantinedLine>();
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(new QuarantinedLine(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                    inventory.Dialect.ReadTimestamp(reader, 5)));
            }
        }

        return (await CountQuarantinedAsync(connection, cancellationToken), lines);
    }

    // Runs inside ModuleDatabase.WriteAsync's write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: the stock rows read
    // FOR UPDATE), so a concurrent reservation cannot slip between reading "reserved" and writing "on_hand".
    private async Task<StockSyncReport> ApplyOnceAsync(DbConnection connection, DbTransaction transaction, StockCountBatch batch, CancellationToken cancellationToken)
    {
        // The batch is claimed first, by its key: on PostgreSQL a second run of the same delivery waits here for the
        // first one's transaction and then finds it applied (or, if that one rolled back, applies it itself). Reading
        // "is it applied?" before writing let two runs both answer no and the later one fail on the key (seen when
        // this suite first ran on PostgreSQL; SQLite's single writer hid it).
        var now = inventory.Dialect.Timestamp(time.GetUtcNow());
        await using (var claim = Command(connection, transaction, "INSERT INTO inventory_sync_batches (batch_id, applied_at, applied, quarantined) VALUES (@b, @t, 0, 0) ON CONFLICT (batch_id) DO NOTHING;", [("b", batch.Id), ("t", now)]))
        {
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return new StockSyncReport(batch.Id, AlreadyApplied: true, 0, 0);
            }
        }

        var rejected = new List<RejectedLine>(batch.Rejected);
        var applied = 0;
        foreach (var count in batch.Counts)
        {
            var reserved = await ScalarAsync(connection, transaction, "SELECT reserved FROM inventory_stock WHERE product_id = @p" + RowLock + ";", cancellationToken, ("p", count.ProductId));
            if (reserved is null or DBNull)
            {
                rejected.Add(new RejectedLine(0, Describe(count), $"product {count.ProductId} is not stocked here"));
                continue;
            }

            var promised = Convert.ToInt64(reserved, CultureInfo.InvariantCulture);
            if (count.Units < promised)
            {
                // Orders hold more than the count says is on the shelf: a person must decide which is wrong.
                rejected.Add(new RejectedLine(0, Describe(count), $"counted {count.Units} units but {promised} are promised to orders"));
                continue;
            }

            await ExecuteAsync(connection, transaction, "UPDATE inventory_stock SET on_hand = @u WHERE product_id = @p;", cancellationToken, ("u", count.Units), ("p", count.ProductId));
            await ExecuteAsync(connection, transaction, """
                INSERT INTO inventory_unit_costs (product_id, unit_cost_cents, currency, counted_on) VALUES (@p, @c, @cur, @d)
                ON CONFLICT (product_id) DO UPDATE SET unit_cost_cents = excluded.unit_cost_cents, currency = excluded.currency, counted_on = excluded.counted_on;
                """, cancellationToken, ("p", count.ProductId), ("c", count.UnitCostCents), ("cur", count.Currency), ("d", count.CountedOn.ToString("O", CultureInfo.InvariantCulture)));
            applied++;
        }

        foreach (var reject in rejected)
        {
            var raw = reject.Raw.Length > MaxRawLength ? reject.Raw[..MaxRawLength] : reject.Raw;
            await ExecuteAsync(connection, transaction, "INSERT INTO inventory_sync_quarantine (batch_id, line_number, raw, reason, received_at) VALUES (@b, @l, @r, @why, @t);",
                cancellationToken, ("b", batch.Id), ("l", reject.LineNumber), ("r", raw), ("why", reject.Reason), ("t", now));
        }

        await ExecuteAsync(connection, transaction, "UPDATE inventory_sync_batches SET applied = @a, quarantined = @q WHERE batch_id = @b;",
            cancellationToken, ("b", batch.Id), ("a", applied), ("q", rejected.Count));
        await transaction.CommitAsync(cancellationToken);
        return new StockSyncReport(batch.Id, AlreadyApplied: false, applied, rejected.Count);
    }

    private static string Describe(StockCount count) =>
        string.Create(CultureInfo.InvariantCulture, $"product {count.ProductId}: {count.Units} units at {count.UnitCostCents} {count.Currency} cents, counted {count.CountedOn:O}");

    private async Task<long> CountQuarantinedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await inventory.OpenAsync(cancellationToken);
        return await CountQuarantinedAsync(connection, cancellationToken);
    }

    private static async Task<long> CountQuarantinedAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(connection, null, "SELECT COUNT(*) FROM inventory_sync_quarantine;", cancellationToken), CultureInfo.InvariantCulture);

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand(sql, transaction);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        return command;
    }

    [LoggerMessage(EventId = 4700, Level = LogLevel.Information, Message = "Stock count batch {BatchId} applied: {Applied} counts, {Quarantined} lines quarantined")]
    private static partial void LogApplied(ILogger logger, string batchId, int applied, int quarantined);

    [LoggerMessage(EventId = 4701, Level = LogLevel.Warning, Message = "The stock count source could not be read ({Reason}); nothing applied, the next round tries again")]
    private static partial void LogSourceUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Error, Message = "Stock count batch {BatchId} failed and was rolled back whole; the next round tries again")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string batchId);
}
