using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace Shop.Externals.Faults;

/// <summary>Applies the injector's faults to every request outside <c>/_control</c> and <c>/health</c>.</summary>
internal sealed class FaultMiddleware(RequestDelegate next, FaultInjector injector, TimeProvider timeProvider)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/_control") || context.Request.Path.StartsWithSegments("/health"))
        {
            await next(context);
            return;
        }

        var settings = injector.Settings;
        if (settings.Down)
        {
            context.Abort();
            return;
        }

        if (settings.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(settings.LatencyMs), timeProvider, context.RequestAborted);
        }

        if (injector.NextRequestFails(settings))
        {
            await ProblemResults.Create(settings.ErrorStatus, "Injected fault", "This stand-in was told to fail this share of requests.")
                .ExecuteAsync(context);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !HttpMethods.IsOptions(context.Request.Method) && injector.NextResponseLost(settings))
        {
            await ProcessAndLoseAnswerAsync(context, settings.LostResponseStatus);
            return;
        }

        if (settings.SlowBodyMs <= 0)
        {
            await next(context);
            return;
        }

        // Buffer the real response, then dribble it out so clients see headers fast and the body late.
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        context.Response.ContentLength = buffer.Length;
        await context.Response.StartAsync(context.RequestAborted);
        var bytes = buffer.ToArray();
        const int Steps = 10;
        var chunk = Math.Max(1, (bytes.Length + Steps - 1) / Steps);
        var pause = TimeSpan.FromMilliseconds(settings.SlowBodyMs / (double)Steps);
        for (var offset = 0; offset < bytes.Length; offset += chunk)
        {
            await Task.Delay(pause, timeProvider, context.RequestAborted);
            await original.WriteAsync(bytes.AsMemory(offset, Math.Min(chunk, bytes.Length - offset)), context.RequestAborted);
            await original.FlushAsync(context.RequestAborted);
        }
    }

    // The handler runs to completion (the charge is in the ledger); only then is its answer discarded, so the caller
    // sees exactly what it sees when the provider took the money and the network or a gateway lost the reply.
    private async Task ProcessAndLoseAnswerAsync(HttpContext context, int lostStatus)
    {
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

        if (lostStatus == 0)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        await ProblemResults.Create(lostStatus, "Injected lost answer", "This stand-in processed the request and was told to lose its answer.")
            .ExecuteAsync(context);
    }
}
