namespace Bulwark.Sidecar.Proxy;

/// <summary>The names of each upstream's HTTP clients and of its single-attempt pipeline.</summary>
internal static class SidecarClients
{
    public static string Retrying(string upstream) => "bulwark-sidecar/" + upstream;

    public static string SingleAttempt(string upstream) => "bulwark-sidecar/" + upstream + "/single";

    /// <summary>The retrying pipeline's settings without the retry; <c>/</c> cannot appear in a configuration key's segment.</summary>
    public static string SingleAttemptPipeline(string pipeline) => pipeline + "/single-attempt";
}
