using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with consistency switched off for money, for the Split-Brain drill's failing half: a deposit the shop
/// could not write (any 5xx, such as its 503 when the database is gone) is answered 200 anyway, with a balance from
/// this instance's own memory — availability chosen for writes, as an "always accept, sync later" design does before
/// its sync exists. Registered by tests only, in front of the whole pipeline.
/// </summary>
internal sealed class OptimisticMoneyWrites : IStartupFilter
{
    private readonly ConcurrentDictionary<string, long> _balances = new(StringComparer.Ordinal);

    public static void Register(IServiceCollection services) => services.AddSingleton<IStartupFilter, OptimisticMoneyWrites>();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(InterceptAsync);
        next(app);
    };

    private async Task InterceptAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!HttpMethods.IsPost(context.Request.Method) || segments is not ["api", "wallets", _, "deposits"])
        {
            await next(context);
            return;
        }

        var walletId = segments[2];
        context.Request.EnableBuffering();
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (context.Response.StatusCode < 500)
        {
            if (context.Response.StatusCode == StatusCodes.Status200OK && JsonDocument.Parse(buffer.ToArray()).RootElement.TryGetProperty("balanceCents", out var balance))
            {
                _balances[walletId] = balance.GetInt64();
            }

            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
            return;
        }

        context.Request.Body.Position = 0;
        var amount = (await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)).RootElement.GetProperty("amountCents").GetInt64();
        var optimistic = _balances.AddOrUpdate(walletId, amount, (_, b) => b + amount);
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(
            new { id = walletId, balanceCents = optimistic, currency = "EUR", version = 0, href = "/api/wallets/" + walletId.ToString(CultureInfo.InvariantCulture) },
            context.RequestAborted);
    }
}
