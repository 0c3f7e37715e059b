// Shared set-up of the MarketStats notebooks: each notebook's first cell is `#load "analyst.csx"`.
// It loads the project's own build (run `dotnet build` in the checkout first; paths are relative to notebooks/),
// shows DataFrames as tables and ScottPlot charts as PNG images. Connections come from AnalystDatabase, never from here.
#r "../src/Analysis/bin/Debug/net10.0/linux-x64/MarketStats.Analysis.dll"
#r "../src/Analysis/bin/Debug/net10.0/linux-x64/MarketStats.Core.dll"
#r "../src/Analysis/bin/Debug/net10.0/linux-x64/MarketStats.Linkage.dll"
#r "../src/Analysis/bin/Debug/net10.0/linux-x64/MarketStats.Reports.dll"
#r "../src/Analysis/bin/Debug/net10.0/linux-x64/Microsoft.Data.Analysis.dll"
#r "../src/Analysis/bin/Debug/net10.0/linux-x64/ScottPlot.dll"
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using MarketStats.Analysis;

Formatter.Register<DataFrame>((frame, writer) => writer.Write(NotebookDisplay.Html(frame)), "text/html");

// A chart as a PNG image; make it with MarketStats.Reports.ChartStyle.NewPlot for the survey's font and style.
static void Show(ScottPlot.Plot plot, int width = 900, int height = 500) =>
    Convert.ToBase64String(NotebookDisplay.Png(plot, width, height)).DisplayAs("image/png");
