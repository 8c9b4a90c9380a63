using System.Data.Common;

namespace Bulwark.Outbox;

/// <summary>Argument checks every <see cref="IOutbox"/> adapter applies the same way.</summary>
public static class OutboxArguments
{
    /// <summary>The longest topic or partition key accepted.</summary>
    public const int MaxNameLength = 256;

    /// <summary>Throws when the enqueue arguments are unusable, before anything touches the database.</summary>
    /// <param name="connection">The caller's connection.</param>
    /// <param name="transaction">The caller's transaction.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="partitionKey">The partition key.</param>
    public static void Validate(DbConnection connection, DbTransaction transaction, string topic, string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrEmpty(partitionKey);
        if (topic.Length > MaxNameLength)
        {
            throw new ArgumentOutOfRangeException(nameof(topic), topic.Length, $"A topic is at most {MaxNameLength} characters.");
        }

        if (partitionKey.Length > MaxNameLength)
        {
            throw new ArgumentOutOfRangeException(nameof(partitionKey), partitionKey.Length, $"A partition key is at most {MaxNameLength} characters.");
        }

        if (!ReferenceEquals(transaction.Connection, connection))
        {
            // An outbox row outside the business transaction would reintroduce the dual write.
            throw new ArgumentException("The transaction does not belong to the given connection.", nameof(transaction));
        }
    }
}
