// The county console's entry (console.html): the same React code and components as the
// desktop app, over the HTTP transport to `fengqiao-hq serve`.
import { selectHttpTransport } from "../backend/transport";
import { mount } from "../components/mount";
import { ConsoleApp } from "./ConsoleApp";
import "../app.css";
import "./console.css";

selectHttpTransport();
mount(<ConsoleApp />);
