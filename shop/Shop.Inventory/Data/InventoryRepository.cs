using System.Data.Common;
using Bulwark.Data;
using Shop.Inventory.Contracts;
using Shop.Infrastructure.Data;

namespace Shop.Inventory.Data;

internal sealed class InventoryRepository(ModuleDatabase<InventoryModule> inventory) : IInventoryApi
{
    // Where writers hold row locks (PostgreSQL), rows read to decide a write are locked; SQLite has one writer at a time.
    private string RowLock => inventory.Dialect.RowLockClause;

    public async Task<StockLevel?> GetStockAsync(int productId, CancellationToken cancellationToken)
    {
        await using var connection = await inventory.OpenAsync(cancellationToken);
        return await ReadStockAsync(connection, null, productId, cancellationToken);
    }

    public async Task<ReservationResult> ReserveAsync(string reservationId, IReadOnlyList<ReservationLine> lines, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0 || lines.Any(l => l.Quantity <= 0))
        {
            throw new ArgumentException("A reservation needs at least one line, each with a positive quantity.", nameof(lines));
        }

        await using var connection = await inventory.OpenAsync(cancellationToken);
        // Two orders can never both take the last unit: SQLite's write transaction (BEGIN IMMEDIATE) serialises
        // reservations; on PostgreSQL each stock row is read FOR UPDATE, in product order so two orders cannot deadlock.
        await using var transaction = await inventory.Dialect.BeginWriteAsync(connection, cancellationToken);

        if (await ExistingStatusAsync(connection, transaction, reservationId, cancellationToken) is { } status)
        {
            // A retried step: answer as the first attempt did, change nothing.
            return new ReservationResult(reservationId, status == "released" ? ReservationOutcome.Released : ReservationOutcome.Reserved);
        }

        foreach (var line in lines.GroupBy(l => l.ProductId).OrderBy(g => g.Key).Select(g => new ReservationLine(g.Key, g.Sum(l => l.Quantity))))
        {
            var stock = await ReadStockAsync(connection, transaction, line.ProductId, cancellationToken, RowLock);
            if (stock is null)
            {
                return new ReservationResult(reservationId, ReservationOutcome.UnknownProduct, line.ProductId);
            }

            if (stock.Available < line.Quantity)
            {
                return new ReservationResult(reservationId, ReservationOutcome.InsufficientStock, line.ProductId);
            }

            await ExecuteAsync(connection, transaction, "UPDATE inventory_stock SET reserved = reserved + @q WHERE product_id = @p;", line.ProductId, line.Quantity, cancellationToken);
            await ExecuteAsync(connection, transaction, "INSERT INTO inventory_reservations (reservation_id, product_id, quantity, status) VALUES (@r, @p, @q, 'reserved');", line.ProductId, line.Quantity, cancellationToken, reservationId);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ReservationResult(reservationId, ReservationOutcome.Reserved);
    }

    public Task ReleaseAsync(string reservationId, CancellationToken cancellationToken) =>
        FinishAsync(reservationId, "released", "UPDATE inventory_stock SET reserved = reserved - @q WHERE product_id = @p;", cancellationToken);

    public Task CommitAsync(string reservationId, CancellationToken cancellationToken) =>
        FinishAsync(reservationId, "committed", "UPDATE inventory_stock SET reserved = reserved - @q, on_hand = on_hand - @q WHERE product_id = @p;", cancellationToken);

    private async Task FinishAsync(string reservationId, string newStatus, string stockUpdate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        await using var connection = await inventory.OpenAsync(cancellationToken);
        await using var transaction = await inventory.Dialect.BeginWriteAsync(connection, cancellationToken);
        var lines = new List<(int ProductId, int Quantity)>();
        await using (var query = connection.CreateCommand())
        {
            query.Transaction = transaction;
            // Locked on PostgreSQL: a second release of the same reservation waits, then finds it no longer 'reserved'.
            query.CommandText = "SELECT product_id, quantity FROM inventory_reservations WHERE reservation_id = @r AND status = 'reserved' ORDER BY product_id" + RowLock + ";";
            query.With("r", reservationId);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add((reader.GetInt32(0), reader.GetInt32(1)));
            }
        }

        foreach (var (productId, quantity) in lines)
        {
            await ExecuteAsync(connection, transaction, stockUpdate, productId, quantity, cancellationToken);
        }

        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE inventory_reservations SET status = @s WHERE reservation_id = @r AND status = 'reserved';";
            update.With("s", newStatus);
            update.With("r", reservationId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<StockLevel?> ReadStockAsync(DbConnection connection, DbTransaction? transaction, int productId, CancellationToken cancellationToken, string rowLock = "")
    {
        await using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT on_hand, reserved FROM inventory_stock WHERE product_id = @p" + rowLock + ";";
        query.With("p", productId);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StockLevel(productId, reader.GetInt32(0), reader.GetInt32(1)) : null;
    }

    private static async Task<string?> ExistingStatusAsync(DbConnection connection, DbTransaction transaction, string reservationId, CancellationToken cancellationToken)
    {
        await using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT status FROM inventory_reservations WHERE reservation_id = @r LIMIT 1;";
        query.With("r", reservationId);
        return (string?)await query.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, int productId, int quantity, CancellationToken cancellationToken, string? reservationId = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.With("p", productId);
        command.With("q", quantity);
        if (reservationId is not null)
        {
            command.With("r", reservationId);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
