using Shop.Identity.Contracts;
using Shop.Identity.Users;

namespace Shop.Identity.Api;

/// <summary>The in-process face of <see cref="IIdentityApi"/>, over the sign-up use case.</summary>
internal sealed class IdentityApi(RegistrationService registration) : IIdentityApi
{
    public async Task<UserDto?> FindUserAsync(Guid userId, CancellationToken cancellationToken) =>
        await registration.FindAsync(userId, cancellationToken) is { } user
            ? new UserDto(user.Id, user.Email.Value, user.DisplayName, user.RegisteredAt)
            : null;
}
