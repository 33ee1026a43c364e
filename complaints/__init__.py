"""Industrial-estate complaints: tickets filed by chat, web form or Open311, the ticket desk,
and the public status of a ticket."""
