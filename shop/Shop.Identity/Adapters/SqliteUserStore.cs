using System.Globalization;
using Bulwark.Outbox;
using Microsoft.Data.Sqlite;
using Shop.Identity.Contracts;
using Shop.Identity.Ports;
using Shop.Identity.Users;

namespace Shop.Identity.Adapters;

/// <summary>The SQLite adapter: the user row and its outbox event in one transaction.</summary>
internal sealed class SqliteUserStore(IdentityDatabase identity, IOutbox outbox) : IUserStore
{
    private const int SqliteConstraintUnique = 2067;

    public Task<bool> AddAsync(User user, CancellationToken cancellationToken)
    {
        var registered = UserRegisteredMapping.From(user);
        return identity.Database.WriteAsync(token => InsertAsync(user, registered, token), cancellationToken);
    }

    private async Task<bool> InsertAsync(User user, UserRegistered registered, CancellationToken cancellationToken)
    {
        await using var connection = await identity.Database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO identity_users (id, email, display_name, registered_at) VALUES ($id, $email, $name, $at);";
            insert.Parameters.AddWithValue("$id", user.Id.ToString());
            insert.Parameters.AddWithValue("$email", user.Email.Value);
            insert.Parameters.AddWithValue("$name", user.DisplayName);
            insert.Parameters.AddWithValue("$at", user.RegisteredAt.ToString("O", CultureInfo.InvariantCulture));
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == SqliteConstraintUnique)
            {
                return false;
            }
        }

        await outbox.EnqueueJsonAsync(connection, transaction, UserRegistered.Topic, user.Id.ToString(), registered, cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<User?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await identity.Database.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT email, display_name, registered_at FROM identity_users WHERE id = $id;";
        query.Parameters.AddWithValue("$id", id.ToString());
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? User.Restore(id, reader.GetString(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture))
            : null;
    }
}
