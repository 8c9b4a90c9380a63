using System.Data.Common;
using System.Globalization;
using Bulwark.Data;
using Bulwark.Idempotency;
using Bulwark.Messaging;
using Bulwark.Messaging.Subscriptions;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;

namespace Shop.Infrastructure.Messaging;

/// <summary>An idempotent consumer's write: the inbox record and the module's rows commit (or roll back) together.</summary>
public static class ModuleInbox
{
    /// <summary>
    /// Runs <paramref name="write"/> in one transaction on the module's database, unless <paramref name="consumer"/>
    /// already handled this message id (a redelivery or a relay duplicate).
    /// </summary>
    /// <returns><see langword="true"/> when the write ran; <see langword="false"/> for a duplicate.</returns>
    public static async Task<bool> HandleOnceAsync<TModule>(
        this ModuleDatabase<TModule> database,
        IInbox inbox,
        string consumer,
        MessageContext context,
        Func<DbTransaction, Task> write,
        CancellationToken cancellationToken)
        where TModule : IShopModule
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(inbox);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(write);
        if (!Guid.TryParse(context.Envelope.MessageId, CultureInfo.InvariantCulture, out var messageId))
        {
            throw new PermanentMessageException($"Message id '{context.Envelope.MessageId}' is not a UUID; the inbox cannot deduplicate it.");
        }

        return await database.WriteAsync(
            async (connection, transaction, token) =>
            {
                if (!await inbox.TryRecordAsync(connection, transaction, consumer, messageId, token))
                {
                    return false;
                }

                await write(transaction);
                await transaction.CommitAsync(token);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Runs one parameterised statement in <paramref name="transaction"/> (parameters as <c>@name</c>).</summary>
    /// <returns>The number of rows changed.</returns>
    public static async Task<int> ExecuteAsync(this DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(parameters);
        await using var command = transaction.Connection!.CreateCommand(sql, transaction);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
