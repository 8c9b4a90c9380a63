using System.Globalization;
using Bulwark.Messaging;
using Bulwark.Messaging.DeadLetters;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.Messaging;

/// <summary>The dead-letter queue as a table; redrive moves rows back to the message table in one transaction.</summary>
internal sealed class SqliteDeadLetterStore(SqliteMessageTransport transport) : IDeadLetterStore
{
    private const string Columns = "id, queue, metadata, body, reason, exception_type, stack_trace, attempts, permanent, dead_lettered_at";

    public Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return transport.WithConnectionAsync<IReadOnlyList<DeadLetter>>(connection => Select(connection, null, filter), cancellationToken);
    }

    public Task<int> RedriveAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var redriven = transport.WithConnectionAsync(
            connection =>
            {
                using var transaction = connection.BeginTransaction();
                var entries = Select(connection, transaction, filter);
                var now = transport.Now;
                foreach (var entry in entries)
                {
                    var count = entry.Envelope.Headers.TryGetValue(MessageHeaders.RedriveCount, out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : 0;
                    var envelope = entry.Envelope.WithHeader(MessageHeaders.RedriveCount, (count + 1).ToString(CultureInfo.InvariantCulture));
                    transport.Insert(connection, entry.SourceQueue, envelope, now, transaction);
                    Delete(connection, transaction, entry.Id);
                }

                transaction.Commit();
                return entries.Count;
            },
            cancellationToken);
        return NotifyAfter(redriven);
    }

    public Task<int> PurgeAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return transport.WithConnectionAsync(
            connection =>
            {
                using var transaction = connection.BeginTransaction();
                var entries = Select(connection, transaction, filter);
                foreach (var entry in entries)
                {
                    Delete(connection, transaction, entry.Id);
                }

                transaction.Commit();
                return entries.Count;
            },
            cancellationToken);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        transport.WithConnectionAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM bulwark_mq_dead_letters";
                return (long)command.ExecuteScalar()!;
            },
            cancellationToken);

    private async Task<int> NotifyAfter(Task<int> work)
    {
        var count = await work.ConfigureAwait(false);
        transport.Notify();
        return count;
    }

    private static List<DeadLetter> Select(SqliteConnection connection, SqliteTransaction? transaction, DeadLetterFilter filter)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var where = new List<string>();
        if (filter.SourceQueue is not null)
        {
            where.Add("queue = $queue");
            command.Parameters.AddWithValue("$queue", filter.SourceQueue);
        }

        if (filter.MessageType is not null)
        {
            where.Add("message_type = $type");
            command.Parameters.AddWithValue("$type", filter.MessageType);
        }

        if (filter.Ids is not null)
        {
            var ids = filter.Ids.Select(id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1).ToList();
            var names = new List<string>();
            for (var i = 0; i < ids.Count; i++)
            {
                names.Add("$id" + i.ToString(CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue(names[i], ids[i]);
            }

            where.Add(names.Count == 0 ? "0" : $"id IN ({string.Join(", ", names)})");
        }

        command.CommandText = $"SELECT {Columns} FROM bulwark_mq_dead_letters"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)
            + " ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$limit", filter.Limit);
        using var reader = command.ExecuteReader();
        var result = new List<DeadLetter>();
        while (reader.Read())
        {
            var attempts = reader.GetInt32(7);
            result.Add(new DeadLetter
            {
                Id = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture),
                SourceQueue = reader.GetString(1),
                Envelope = EnvelopeJson.Read(reader.GetString(2), (byte[])reader.GetValue(3), attempts),
                Reason = reader.GetString(4),
                ExceptionType = reader.IsDBNull(5) ? null : reader.GetString(5),
                StackTrace = reader.IsDBNull(6) ? null : reader.GetString(6),
                Attempts = attempts,
                Permanent = reader.GetInt32(8) != 0,
                DeadLetteredAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
            });
        }

        return result;
    }

    private static void Delete(SqliteConnection connection, SqliteTransaction transaction, string id)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM bulwark_mq_dead_letters WHERE id = $id";
        command.Parameters.AddWithValue("$id", long.Parse(id, CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }
}
