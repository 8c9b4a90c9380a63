using Bulwark.Cli;

return await BulwarkCommand.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
