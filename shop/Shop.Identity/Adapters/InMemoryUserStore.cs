using Shop.Identity.Contracts;
using Shop.Identity.Ports;
using Shop.Identity.Users;

namespace Shop.Identity.Adapters;

/// <summary>The in-memory adapter: for fast core tests and for running the module without a database.</summary>
internal sealed class InMemoryUserStore : IUserStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, User> _users = [];
    private readonly Dictionary<Guid, string> _hashes = [];
    private readonly List<UserRegistered> _events = [];
    private readonly List<CustomerForgotten> _forgotten = [];

    /// <summary>The erasures announced, in order.</summary>
    public IReadOnlyList<CustomerForgotten> Forgotten
    {
        get
        {
            lock (_gate)
            {
                return [.. _forgotten];
            }
        }
    }

    /// <summary>The events stored with the users, in order.</summary>
    public IReadOnlyList<UserRegistered> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <inheritdoc />
    public Task<bool> AddAsync(User user, string passwordHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            if (_users.Values.Any(u => u.Email == user.Email))
            {
                return Task.FromResult(false);
            }

            _users.Add(user.Id, user);
            _hashes.Add(user.Id, passwordHash);
            _events.Add(UserRegisteredMapping.From(user));
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    /// <inheritdoc />
    public Task<bool> ForgetAsync(User forgotten, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(forgotten);
        lock (_gate)
        {
            if (!_users.TryGetValue(forgotten.Id, out var user) || user.IsForgotten)
            {
                return Task.FromResult(false);
            }

            _users[forgotten.Id] = forgotten;
            _hashes.Remove(forgotten.Id);
            _forgotten.Add(new CustomerForgotten(forgotten.Id, at));
            return Task.FromResult(true);
        }
    }

    public Task<User?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_users.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public Task<StoredCredentials?> FindCredentialsAsync(EmailAddress email, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var user = _users.Values.FirstOrDefault(u => u.Email == email);
            return Task.FromResult(user is null ? null : new StoredCredentials(user.Id, _hashes.GetValueOrDefault(user.Id)));
        }
    }
}
