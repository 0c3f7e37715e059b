using MarketStats.Cli;

return await MarketStatsCli.RunAsync(args, Console.Out, Console.Error);
