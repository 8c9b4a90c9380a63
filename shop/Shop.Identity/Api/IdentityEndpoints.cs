using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Identity.Contracts;
using Shop.Identity.Users;

namespace Shop.Identity.Api;

internal static class IdentityEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/api/users").WithTags("Identity");
        users.MapPost("/", RegisterAsync).WithName("RegisterUser");
        users.MapGet("/{id}", GetAsync).WithName("GetUser");
    }

    private static async Task<Results<Created<UserDto>, ProblemHttpResult>> RegisterAsync(
        SignUp? body, RegistrationService registration, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ProblemResults.BadRequest("Send {\"email\":\"ada@example.com\",\"displayName\":\"Ada\"}.");
        }

        var result = await registration.RegisterAsync(body.Email, body.DisplayName, cancellationToken);
        if (result.User is { } user)
        {
            return TypedResults.Created($"/api/users/{user.Id}", ToDto(user));
        }

        return result.IsEmailTaken
            ? ProblemResults.Conflict(result.Errors[0])
            : ProblemResults.Unprocessable(string.Join(" ", result.Errors));
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(string id, RegistrationService registration, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return ProblemResults.BadRequest($"A user id is a UUID; got '{id}'.");
        }

        return await registration.FindAsync(userId, cancellationToken) is { } user
            ? TypedResults.Ok(ToDto(user))
            : ProblemResults.NotFound($"There is no user {userId}.");
    }

    private static UserDto ToDto(User user) => new(user.Id, user.Email.Value, user.DisplayName, user.RegisteredAt);

    internal sealed record SignUp(string? Email, string? DisplayName);
}
