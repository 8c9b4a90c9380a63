using Shop.Identity.Contracts;
using Shop.Identity.Users;

namespace Shop.Identity.Adapters;

/// <summary>The core's user, as the integration event other modules subscribe to.</summary>
internal static class UserRegisteredMapping
{
    public static UserRegistered From(User user) => new(user.Id, user.Email.Value, user.DisplayName, user.RegisteredAt);
}
