using System.Globalization;
using Bulwark.Idempotency;
using Bulwark.Messaging;
using Bulwark.Messaging.Subscriptions;
using Microsoft.Data.Sqlite;
using Shop.Infrastructure.Sqlite;

namespace Shop.Infrastructure.Messaging;

/// <summary>An idempotent consumer's write: the inbox record and the module's rows commit (or roll back) together.</summary>
public static class ModuleInbox
{
    /// <summary>
    /// Runs <paramref name="write"/> in one transaction on the module's database, unless <paramref name="consumer"/>
    /// already handled this message id (a redelivery or a relay duplicate).
    /// </summary>
    /// <returns><see langword="true"/> when the write ran; <see langword="false"/> for a duplicate.</returns>
    public static async Task<bool> HandleOnceAsync(
        this ModuleDatabase database,
        IInbox inbox,
        string consumer,
        MessageContext context,
        Func<SqliteConnection, SqliteTransaction, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(inbox);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(write);
        if (!Guid.TryParse(context.Envelope.MessageId, CultureInfo.InvariantCulture, out var messageId))
        {
            throw new PermanentMessageException($"Message id '{context.Envelope.MessageId}' is not a UUID; the inbox cannot deduplicate it.");
        }

        // A busy database rolls the whole unit back (inbox record and rows), so it is run again as a whole.
        return await database.WriteAsync(
            async token =>
            {
                await using var connection = await database.OpenAsync(token);
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(token);
                if (!await inbox.TryRecordAsync(connection, transaction, consumer, messageId, token))
                {
                    return false;
                }

                await write(connection, transaction);
                await transaction.CommitAsync(token);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Adds a parameterised command to <paramref name="transaction"/> and runs it.</summary>
    public static async Task<int> ExecuteAsync(this SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
