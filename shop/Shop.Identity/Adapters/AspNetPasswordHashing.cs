using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Shop.Identity.Ports;

namespace Shop.Identity.Adapters;

/// <summary>
/// ASP.NET Core Identity's password hasher (PBKDF2 with a per-password salt, versioned format): no crypto of our own.
/// The work factor comes from <see cref="PasswordHasherOptions"/> (section <c>Shop:Identity:PasswordHasher</c>).
/// </summary>
internal sealed class AspNetPasswordHashing(IOptions<PasswordHasherOptions> options) : IPasswordHashing
{
    private static readonly object User = new();
    private readonly PasswordHasher<object> _hasher = new(options);

    public string Hash(string password) => _hasher.HashPassword(User, password);

    public bool Verify(string hash, string password) =>
        _hasher.VerifyHashedPassword(User, hash, password) is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded;
}
