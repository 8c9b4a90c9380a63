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

    public Task<bool> AddAsync(User user, string passwordHash, CancellationToken cancellationToken)
    {
        var registered = UserRegisteredMapping.From(user);
        return identity.Database.WriteAsync(token => InsertAsync(user, passwordHash, registered, token), cancellationToken);
    }

    private async Task<bool> InsertAsync(User user, string passwordHash, UserRegistered registered, CancellationToken cancellationToken)
    {
        await using var connection = await identity.Database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO identity_users (id, email, display_name, registered_at, password_hash) VALUES ($id, $email, $name, $at, $hash);";
            insert.Parameters.AddWithValue("$id", user.Id.ToString());
            insert.Parameters.AddWithValue("$email", user.Email.Value);
            insert.Parameters.AddWithValue("$name", user.DisplayName);
            insert.Parameters.AddWithValue("$at", user.RegisteredAt.ToString("O", CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$hash", passwordHash);
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

    public async Task<StoredCredentials?> FindCredentialsAsync(EmailAddress email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        await using var connection = await identity.Database.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT id, password_hash FROM identity_users WHERE email = $email;";
        query.Parameters.AddWithValue("$email", email.Value);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredCredentials(Guid.Parse(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetString(1))
            : null;
    }
}
