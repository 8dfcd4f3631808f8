from ssdmigrate.cli import main

main()
