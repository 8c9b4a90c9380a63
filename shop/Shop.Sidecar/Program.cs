using Microsoft.Extensions.Options;
using Shop.Sidecar;

try
{
    await SidecarApp.Build(args).RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // A misconfigured sidecar must not start half-working; say which keys to fix, without a stack trace.
    await Console.Error.WriteLineAsync("Sidecar configuration is invalid: " + string.Join(" ", e.Failures));
    return 2;
}
