using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Identity.Contracts;
using Shop.Identity.Users;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Auth;

namespace Shop.Identity.Api;

internal static class IdentityEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/api/users").WithTags("Identity");
        users.MapPost("/", RegisterAsync).WithName("RegisterUser").AllowAnonymous()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        users.MapPost("/sign-in", SignInAsync).WithName("SignIn").AllowAnonymous().ProducesProblem(StatusCodes.Status401Unauthorized);
        users.MapGet("/me", GetMeAsync).WithName("GetMe").RequireCustomer().ProducesProblem(StatusCodes.Status404NotFound);
        users.MapGet("/{id}", GetAsync).WithName("GetUser").RequireCustomerOrOperator();
        // Operator-only: the erasure cannot be undone, so it is done for a verified request by the support desk, never by a
        // bearer token alone (a stolen one would otherwise destroy the account's data for good).
        users.MapDelete("/{id}/personal-data", ForgetAsync).WithName("ForgetCustomer").RequireShopAdmin()
            .WithSummary("Forgets a customer: shreds their personal-data key and leaves them out of the next data product versions. Idempotent.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Created<UserDto>, ProblemHttpResult>> RegisterAsync(
        SignUp? body, RegistrationService registration, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ProblemResults.BadRequest("Send {\"email\":\"ada@example.com\",\"displayName\":\"Ada\",\"password\":\"a long passphrase\"}.");
        }

        var result = await registration.RegisterAsync(body.Email, body.DisplayName, body.Password, cancellationToken);
        if (result.User is { } user)
        {
            return TypedResults.Created($"/api/users/{user.Id}", ToDto(user));
        }

        return result.IsEmailTaken
            ? ProblemResults.Conflict(result.Errors[0].Message)
            : ProblemResults.Unprocessable(string.Join(" ", result.Errors), new Dictionary<string, object?>
            {
                ["errors"] = result.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            });
    }

    private static async Task<Results<Ok<SignedIn>, ProblemHttpResult>> SignInAsync(
        SignInBody? body, RegistrationService registration, CustomerTokens tokens, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ProblemResults.BadRequest("Send {\"email\":\"ada@example.com\",\"password\":\"...\"}.");
        }

        // One answer for an unknown e-mail and a wrong password: sign-in must not tell which addresses are registered.
        if (await registration.SignInAsync(body.Email, body.Password, cancellationToken) is not { } customerId)
        {
            return ProblemResults.Unauthorized("The e-mail or the password is wrong.");
        }

        var token = tokens.Issue(customerId);
        return TypedResults.Ok(new SignedIn(token.Token, "Bearer", (int)token.ExpiresIn.TotalSeconds, customerId));
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetMeAsync(ShopCaller caller, RegistrationService registration, CancellationToken cancellationToken) =>
        await registration.FindAsync(caller.CustomerId!.Value, cancellationToken) is { } user
            ? TypedResults.Ok(ToDto(user))
            : ProblemResults.NotFound("Your account no longer exists.");

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(
        string id, ShopCaller caller, RegistrationService registration, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return ProblemResults.BadRequest($"A user id is a UUID; got '{id}'.");
        }

        // Another customer's profile is as absent as one that does not exist.
        return caller.MaySee(userId) && await registration.FindAsync(userId, cancellationToken) is { } user
            ? TypedResults.Ok(ToDto(user))
            : ProblemResults.NotFound($"There is no user {userId}.");
    }

    private static async Task<Results<Ok<CustomerForgotten>, ProblemHttpResult>> ForgetAsync(string id, CustomerErasure erasure, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var customerId))
        {
            return ProblemResults.NotFound($"There is no customer '{id}' (a customer id is a UUID).");
        }

        return await erasure.ForgetAsync(customerId, cancellationToken) switch
        {
            ErasureOutcome.Forgotten => TypedResults.Ok(new CustomerForgotten(customerId, AlreadyForgotten: false)),
            ErasureOutcome.AlreadyForgotten => TypedResults.Ok(new CustomerForgotten(customerId, AlreadyForgotten: true)),
            _ => ProblemResults.NotFound($"There is no customer {customerId}."),
        };
    }

    private static UserDto ToDto(User user) => new(user.Id, user.Email.Value, user.DisplayName, user.RegisteredAt);

    internal sealed record SignUp(string? Email, string? DisplayName, string? Password);

    internal sealed record SignInBody(string? Email, string? Password);

    /// <summary>The answer of a forget: the same on every call, <c>alreadyForgotten</c> true when an earlier call did it.</summary>
    internal sealed record CustomerForgotten(Guid CustomerId, bool AlreadyForgotten);

    internal sealed record SignedIn(string AccessToken, string TokenType, int ExpiresIn, Guid CustomerId);
}
