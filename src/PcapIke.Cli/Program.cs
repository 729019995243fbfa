Console.WriteLine("pcapike");
