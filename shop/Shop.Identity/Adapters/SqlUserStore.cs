using System.Data.Common;
using System.Globalization;
using Bulwark.Data;
using Bulwark.Outbox;
using Shop.Identity.Contracts;
using Shop.Identity.Ports;
using Shop.Identity.Users;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Data;

namespace Shop.Identity.Adapters;

/// <summary>
/// The SQL adapter of <see cref="IUserStore"/>, on SQLite or PostgreSQL (whichever the shop database is; the SQL is
/// written once, a duplicate e-mail is recognised through the dialect): the user row and its outbox event commit in
/// one transaction. Since the password-scheme release each hash is stored with its scheme; with
/// <c>Shop:Schema:PreviousRelease</c> it runs the release before's SQL, which knows no scheme (the expand-contract drill).
/// </summary>
internal sealed class SqlUserStore(ModuleDatabase<IdentityModule> identity, IOutbox outbox, IOptions<ShopSchemaOptions>? schema = null) : IUserStore
{
    private readonly bool _previousRelease = schema?.Value.PreviousRelease == true;

    public Task<bool> AddAsync(User user, string passwordHash, CancellationToken cancellationToken)
    {
        var registered = UserRegisteredMapping.From(user);
        return identity.WriteAsync((connection, transaction, token) => InsertAsync(connection, transaction, user, passwordHash, registered, token), cancellationToken);
    }

    private async Task<bool> InsertAsync(DbConnection connection, DbTransaction transaction, User user, string passwordHash, UserRegistered registered, CancellationToken cancellationToken)
    {
        var sql = _previousRelease
            ? "INSERT INTO identity_users (id, email, display_name, registered_at, password_hash) VALUES (@id, @email, @name, @at, @hash);"
            : "INSERT INTO identity_users (id, email, display_name, registered_at, password_hash, password_scheme) VALUES (@id, @email, @name, @at, @hash, @scheme);";
        await using (var insert = connection.CreateCommand(sql, transaction)
            .With("id", user.Id.ToString())
            .With("email", user.Email.Value)
            .With("name", user.DisplayName)
            .With("at", user.RegisteredAt.ToString("O", CultureInfo.InvariantCulture))
            .With("hash", passwordHash)
            .With("scheme", IdentityMigrations.AspNetScheme))
        {
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (DbException e) when (identity.Dialect.IsUniqueViolation(e))
            {
                // The e-mail is taken (the only unique column besides a fresh id); PostgreSQL aborts the transaction,
                // which is rolled back on dispose.
                return false;
            }
        }

        await outbox.EnqueueJsonAsync(connection, transaction, UserRegistered.Topic, user.Id.ToString(), registered, cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public Task<bool> ForgetAsync(User forgotten, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(forgotten);
        return identity.WriteAsync((connection, transaction, token) => EraseAsync(connection, transaction, forgotten, at, token), cancellationToken);
    }

    private async Task<bool> EraseAsync(DbConnection connection, DbTransaction transaction, User forgotten, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // One statement decides: a second erasure (or one racing this) matches no row and announces nothing.
        await using (var erase = connection.CreateCommand(
            "UPDATE identity_users SET email = @email, display_name = @name, password_hash = NULL WHERE id = @id AND email <> @email;", transaction)
            .With("id", forgotten.Id.ToString())
            .With("email", forgotten.Email.Value)
            .With("name", forgotten.DisplayName))
        {
            if (await erase.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await outbox.EnqueueJsonAsync(connection, transaction, CustomerForgotten.Topic, forgotten.Id.ToString(), new CustomerForgotten(forgotten.Id, at), cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<User?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await identity.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand("SELECT email, display_name, registered_at FROM identity_users WHERE id = @id;").With("id", id.ToString());
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? User.Restore(id, reader.GetString(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture))
            : null;
    }

    public async Task<StoredCredentials?> FindCredentialsAsync(EmailAddress email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        await using var connection = await identity.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand(
            _previousRelease
                ? "SELECT id, password_hash, NULL FROM identity_users WHERE email = @email;"
                : "SELECT id, password_hash, password_scheme FROM identity_users WHERE email = @email;").With("email", email.Value);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        // NULL is a row the release before wrote: it only ever wrote ASP.NET hashes. A scheme this release does not know
        // (a newer release's hasher) cannot be verified here, so that user cannot sign in through this release.
        var hash = reader.IsDBNull(1) ? null : reader.GetString(1);
        var scheme = reader.IsDBNull(2) ? IdentityMigrations.AspNetScheme : reader.GetString(2);
        return new StoredCredentials(Guid.Parse(reader.GetString(0)), scheme == IdentityMigrations.AspNetScheme ? hash : null);
    }
}
